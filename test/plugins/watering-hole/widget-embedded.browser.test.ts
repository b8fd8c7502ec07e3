import t from 'tap'
import type { Page } from 'playwright-core'
import { eventually, startHub } from '../../helper.js'
import { agentConsole, brandPage, chatFrame, launch, log, online, say } from './browser.js'

// Issue 18: the one-<script>-tag embed, on a page of another site (localhost against the hub's 127.0.0.1), in a
// browser that denies the widget's iframe its storage. Before the fix, "Start chatting" failed with "Failed to read
// the 'localStorage' property from 'Window': Access is denied for this document" and no chat could start.

/** What has focus on the brand's page: the widget's host element when the launcher (in its closed shadow root) has it. */
const focusedOnPage = (page: Page): Promise<string> => page.evaluate(() => document.activeElement?.id ?? document.activeElement?.tagName ?? '')

t.test('embedded on another site with third-party storage blocked: the launcher by keyboard, a whole conversation, Escape', async t => {
  const hub = await startHub(t)
  const browser = await launch(t, { blockThirdPartyStorage: true })
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } })
  const page = await context.newPage()
  await page.goto(await brandPage(t, hub.url))
  await page.waitForFunction(() => document.getElementById('watering-hole-widget') !== null)

  // the launcher is the page's only control: Tab reaches it, Enter opens the chat
  await page.keyboard.press('Tab')
  t.equal(await focusedOnPage(page), 'watering-hole-widget', 'Tab reaches the launcher')
  await page.keyboard.press('Enter')
  const frame = await chatFrame(page)
  await frame.getByLabel('Your name').waitFor()

  // the context really denies the iframe its storage (else this test would prove nothing)
  const denied = await frame.evaluate(() => { try { return String(window.localStorage.length >= 0 && 'allowed') } catch (err) { return (err as Error).message } })
  t.match(denied, /Access is denied/, 'the iframe may not use localStorage')
  t.ok(await frame.getByText('this chat will not be remembered').isVisible(), 'the widget says quietly that the chat will not be remembered')

  // the whole introduction by keyboard: focus starts in the name field
  await eventually(async () => await frame.evaluate(() => document.activeElement?.id) === 'wh-name', 5000, 'focus in the name field')
  await page.keyboard.type('Embedded Eland')
  await frame.getByRole('button', { name: 'Start chatting' }).focus()
  await page.keyboard.press('Enter')
  await online(frame)
  await say(frame, 'Hello from a page that blocks storage')
  const agent = await agentConsole(hub, await eventually(async () => {
    const threads = await hub.store.listThreads({ channelId: 'watering-hole' })
    return threads[0]?.customerId
  }, 10_000, 'the customer\'s thread'))
  await eventually(async () => (await agent.messages()).some(m => m.text === 'Hello from a page that blocks storage'), 10_000, 'the message reached the agent')
  await agent.reply('Welcome, storage or not!')
  await log(frame).getByText('Welcome, storage or not!').waitFor({ timeout: 10_000 })
  t.equal(await log(frame).getByText('Hello from a page that blocks storage').count(), 1, 'own message once')

  // Escape closes the panel and gives focus back to the launcher
  await frame.getByLabel('Message').focus()
  await page.keyboard.press('Escape')
  const panel = await frame.frameElement() // in the widget's closed shadow root: reached through the frame
  await eventually(async () => !await panel.isVisible(), 5000, 'the panel closed')
  await eventually(async () => await focusedOnPage(page) === 'watering-hole-widget', 5000, 'focus back on the launcher')
  // and opens again, with the conversation (the identity is kept in memory for this visit)
  await page.keyboard.press('Enter')
  await log(frame).getByText('Welcome, storage or not!').waitFor({ timeout: 10_000 })
})
