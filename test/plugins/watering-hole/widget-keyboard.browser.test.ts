import t from 'tap'
import type { Page } from 'playwright-core'
import { eventually, startHub } from '../../helper.js'
import { agentConsole, launch, log } from './browser.js'
import { TINY_PNG } from './a11y.js'
import { WH } from './ws-client.js'

// Issue 18: a whole conversation without the mouse (introduce, write, attach, "I'm still here", "Start a new chat"),
// every control visible with focus; what the polite live region says (agent messages, the countdown at its start,
// never the typing); reduced motion; 200 % zoom.

// Test-only: records every text the announcer region is given.
const RECORD_ANNOUNCEMENTS = `(() => {
  window.__said = []
  new MutationObserver(records => {
    const region = document.getElementById('wh-announce')
    if (region && region.textContent && records.some(r => region === r.target || region.contains(r.target))) window.__said.push(region.textContent)
  }).observe(document, { subtree: true, childList: true, characterData: true })
})()`

const said = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __said: string[] }).__said)
const focusedId = (page: Page): Promise<string | undefined> => page.evaluate(() => document.activeElement?.id)

/** The focused control shows a focus ring (its own outline, or its label's for the visually hidden file input). */
async function focusRingVisible (page: Page): Promise<boolean> {
  return await page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    if (el === null) return false
    const drawn = el.id === 'wh-file' ? el.closest('label') ?? el : el
    const style = getComputedStyle(drawn)
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
  })
}

async function tabUntil (t: Parameters<typeof startHub>[0], page: Page, id: string, key = 'Tab'): Promise<void> {
  for (let i = 0; i < 15; i++) {
    if (await focusedId(page) === id) break
    await page.keyboard.press(key)
  }
  t.equal(await focusedId(page), id, `${id} reached with ${key}`)
  t.ok(await focusRingVisible(page), `${id} shows its focus`)
}

t.test('a whole conversation by keyboard alone, with what a screen reader hears', async t => {
  // the idle prompt takes focus when it comes: its timeout must outlast the steps before the test waits for it (the
  // attach by keyboard), or on a loaded machine it comes early and Space answers it instead of opening the chooser
  const hub = await startHub(t, { channels: [{ id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: 'chat_watering-hole', rules: { idle: { timeout: '10s', countdown: '30s' } }, config: { identitySecret: 'test-identity-secret-0123456789abcdef' } }] })
  const browser = await launch(t)
  const context = await browser.newContext({ viewport: { width: 420, height: 720 }, locale: 'en-GB', reducedMotion: 'reduce' })
  await context.addInitScript(RECORD_ANNOUNCEMENTS)
  const page = await context.newPage()
  await page.goto(`${hub.url}${WH}/`)

  // introduce: the name field has focus; Tab to the avatars, an arrow picks one, Tab to the button, Enter
  await eventually(async () => await focusedId(page) === 'wh-name', 10_000, 'focus in the name field')
  await page.keyboard.type('Keyboard Kudu')
  await page.keyboard.press('Tab')
  await page.keyboard.press('ArrowRight')
  t.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement).value), 'zebra', 'arrow keys choose the avatar')
  await page.keyboard.press('Tab')
  t.ok(await focusRingVisible(page), 'Start chatting shows its focus')
  await page.keyboard.press('Enter')
  await page.locator('#wh-conn').filter({ hasText: 'Online' }).waitFor({ timeout: 15_000 })
  t.equal(await focusedId(page), 'wh-message', 'focus lands in the message field')

  // write and send with Enter
  await page.keyboard.type('Hello, I only use a keyboard')
  await page.keyboard.press('Enter')
  await log(page).getByText('Hello, I only use a keyboard').waitFor()
  const customerId = await eventually(async () => (await hub.store.listThreads({ channelId: 'watering-hole' }))[0]?.customerId, 10_000, 'thread')
  const agent = await agentConsole(hub, customerId)

  // attach by keyboard: Shift+Tab to the file input, Space opens the chooser; the Send button is reachable
  await tabUntil(t, page, 'wh-file', 'Shift+Tab')
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')])
  await chooser.setFiles({ name: 'tracks.png', mimeType: 'image/png', buffer: TINY_PNG })
  await page.locator('.wh-file-chip').filter({ hasText: 'tracks.png' }).filter({ hasNotText: '…' }).waitFor({ timeout: 10_000 })
  await tabUntil(t, page, 'wh-message')
  await page.keyboard.type('Whose tracks are these?')
  await tabUntil(t, page, 'wh-send')
  await page.keyboard.press('Enter')
  await eventually(async () => (await agent.messages()).some(m => m.text === 'Whose tracks are these?' && m.attachments?.length === 1), 10_000, 'message with its attachment at the agent')

  // the agent types (not announced), then answers (announced once)
  await agent.typing(true)
  await page.locator('#wh-typing').waitFor({ state: 'visible', timeout: 10_000 })
  await agent.reply('A leopard walked by at dawn.')
  await log(page).getByText('A leopard walked by at dawn.').waitFor({ timeout: 10_000 })
  await eventually(async () => (await said(page)).some(s => s.includes('A leopard walked by at dawn.')), 5000, 'the agent message announced')

  // the idle prompt takes focus; its countdown is announced at the start, not every second; Enter answers it
  await page.locator('#wh-idle').waitFor({ state: 'visible', timeout: 30_000 })
  await eventually(async () => await focusedId(page) === 'wh-idle-here', 5000, 'focus on "I\'m still here"')
  t.ok(await focusRingVisible(page), '"I\'m still here" shows its focus')
  await page.waitForTimeout(2500) // two and a half seconds of countdown: the region must stay quiet meanwhile
  const countdownLines = (await said(page)).filter(s => s.includes('This chat ends in'))
  t.equal(countdownLines.length, 1, `the countdown announced once at its start (${JSON.stringify(countdownLines)})`)
  t.match(countdownLines[0], /^Are you still there\? This chat ends in \d+ seconds\./)
  await page.keyboard.press('Enter')
  await page.locator('#wh-idle').waitFor({ state: 'hidden', timeout: 10_000 })
  t.equal(await focusedId(page), 'wh-message', 'focus back in the message field')

  // the agent ends the chat: focus moves to "Start a new chat"; Enter, and the customer writes again
  await agent.end()
  await page.locator('#wh-ended').waitFor({ state: 'visible', timeout: 15_000 })
  await eventually(async () => await focusedId(page) === 'wh-new-chat', 5000, 'focus on "Start a new chat"')
  t.ok(await focusRingVisible(page), '"Start a new chat" shows its focus')
  await page.keyboard.press('Enter')
  await eventually(async () => await focusedId(page) === 'wh-message', 10_000, 'focus back in the enabled message field')
  await page.keyboard.type('One more question')
  await page.keyboard.press('Enter')
  await eventually(async () => (await hub.store.listThreads({ channelId: 'watering-hole' })).length === 2, 10_000, 'a new thread')

  const everything = await said(page)
  t.notOk(everything.some(s => /typing/i.test(s)), 'typing is never announced')
  t.notOk(everything.some(s => s.includes('One more question') || s.includes('keyboard')), 'the customer\'s own messages are not read back')

  // reduced motion: the typing dots do not blink, the avatars do not scale
  t.equal(await page.locator('.wh-dots i').first().evaluate(el => getComputedStyle(el).animationName), 'none', 'no animation with prefers-reduced-motion')

  // 200 % zoom (1280 px wide at 200 % is 640 CSS px): nothing scrolls sideways, the composer stays whole on screen
  await page.setViewportSize({ width: 640, height: 400 })
  await page.evaluate(() => { document.documentElement.style.fontSize = '200%' })
  t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), 'no horizontal scrolling')
  for (const id of ['wh-message', 'wh-send']) {
    const box = await page.locator(`#${id}`).boundingBox()
    t.ok(box !== null && box.x >= 0 && box.x + box.width <= 640 && box.y + box.height <= 400, `#${id} fully on screen at 200 %`)
  }
  t.ok(await log(page).getByText('One more question').isVisible(), 'the conversation still readable')
})
