import t from 'tap'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Frame, Page } from 'playwright-core'
import { ROOT, eventually, startHub } from '../../helper.js'
import { CATALOGUES, type Locale } from '../../../plugins/watering-hole/i18n/index.js'
import { agentConsole, brandPage, chatFrame, launch } from './browser.js'
import { WH } from './ws-client.js'
import { testDir } from '../../test-dir.js'

// Issue 18, localisable: the language comes from the channel's `locale`, else the page's lang, else the browser's;
// the widget tells the hub, which keeps it with the customer and writes the idle prompt and end line in CXone in it.
// The catalogue gives those texts; a configured rules.idle.warningText wins.
const channel = (config: Record<string, unknown>, idle: Record<string, unknown>) => ({
  channels: [{ id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: 'chat_watering-hole', rules: { idle }, config: { identitySecret: 'test-identity-secret-0123456789abcdef', ...config } }]
})

/** The README's pictures: refreshed with WH_SCREENSHOT=1 (otherwise every run would dirty the working tree). */
async function screenshot (t: Parameters<typeof startHub>[0], page: Page, name: string): Promise<void> {
  const dir = process.env.WH_SCREENSHOT ? join(ROOT, 'plugins', 'watering-hole', 'docs') : testDir(t, {})
  mkdirSync(dir, { recursive: true })
  await page.screenshot({ path: join(dir, name) })
}

async function introduce (chat: Page | Frame, locale: Locale, name: string): Promise<void> {
  await chat.locator('#wh-name').fill(name)
  await chat.locator('button[type=submit].wh-primary').click()
  await chat.locator('#wh-conn').filter({ hasText: CATALOGUES[locale].online }).waitFor({ timeout: 15_000 })
}

async function standalone (browser: Browser, hubUrl: string, browserLocale: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 420, height: 720 }, locale: browserLocale })
  const page = await context.newPage()
  await page.goto(`${hubUrl}${WH}/`)
  return page
}

t.test('a French browser: the widget in French, and the idle prompt and end line recorded in CXone in French', async t => {
  const hub = await startHub(t, channel({}, { timeout: '2s', countdown: '2s' }))
  const browser = await launch(t)
  const page = await standalone(browser, hub.url, 'fr-FR')
  const fr = CATALOGUES.fr
  t.equal(await page.evaluate(() => document.documentElement.lang), 'fr')
  await page.getByRole('button', { name: fr.startChatting }).waitFor()
  t.equal(await page.getByLabel(fr.yourName).count(), 1, 'labels from the catalogue')
  await introduce(page, 'fr', 'Zébulon')
  await page.getByLabel(fr.message).fill('Bonjour ! L\'eau est-elle potable ?')
  await page.getByRole('button', { name: fr.send }).click()
  const customerId = await eventually(async () => (await hub.store.listThreads({ channelId: 'watering-hole' }))[0]?.customerId, 10_000, 'thread')
  t.equal((await hub.store.getCustomer('watering-hole', customerId))?.locale, 'fr', 'the hub keeps the customer\'s language')
  const agent = await agentConsole(hub, customerId)
  // the agent answers what reached CXone (the relay is asynchronous: under load the reply could otherwise come first)
  await eventually(async () => (await agent.messages()).some(m => m.direction === 'inbound'), 10_000, 'the customer message in CXone')
  await agent.reply('Oui, elle vient de la source.')
  await page.getByRole('log').getByText('Oui, elle vient de la source.').waitFor({ timeout: 10_000 })
  await page.getByRole('alertdialog', { name: fr.stillThere }).waitFor({ timeout: 15_000 })
  await screenshot(t, page, 'widget-fr.png')
  await page.getByText(fr.endedIdle).waitFor({ timeout: 15_000 })
  const texts = await eventually(async () => {
    const messages = await agent.messages()
    return messages.length === 4 ? messages.map(m => [m.direction, m.text]) : undefined
  }, 15_000, 'prompt and end line in CXone')
  t.same(texts, [
    ['inbound', 'Bonjour ! L\'eau est-elle potable ?'], ['outbound', 'Oui, elle vient de la source.'],
    ['outbound', 'Êtes-vous toujours là ?'], ['outbound', 'La discussion s\'est terminée après 2\u00a0secondes sans réponse']
  ], 'the agent reads what the customer read, in French')
})

t.test('the configured locale wins over the browser\'s, and a configured warningText over the catalogue', async t => {
  const hub = await startHub(t, channel({ locale: 'fr' }, { timeout: '2s', countdown: '2s', warningText: 'Still around?' }))
  const browser = await launch(t)
  const page = await standalone(browser, hub.url, 'ar')
  t.equal(await page.evaluate(() => document.documentElement.lang), 'fr', 'config locale: fr, whatever the browser says')
  await introduce(page, 'fr', 'Gazelle')
  await page.locator('#wh-message').fill('Un instant')
  await page.locator('#wh-send').click()
  const customerId = await eventually(async () => (await hub.store.listThreads({ channelId: 'watering-hole' }))[0]?.customerId, 10_000, 'thread')
  const agent = await agentConsole(hub, customerId)
  await agent.reply('Je vous écoute.')
  await page.getByText(CATALOGUES.fr.endedIdle).waitFor({ timeout: 20_000 })
  const texts = await eventually(async () => {
    const messages = await agent.messages()
    return messages.length === 4 ? messages.slice(2).map(m => m.text) : undefined
  }, 15_000, 'prompt and end line in CXone')
  t.same(texts, ['Still around?', 'La discussion s\'est terminée après 2\u00a0secondes sans réponse'], 'configured prompt as written; the end line from the catalogue')
})

t.test('embedded on an Arabic page: the page\'s lang chooses Arabic, right to left', async t => {
  const hub = await startHub(t, channel({}, { enabled: false }))
  const browser = await launch(t)
  const context = await browser.newContext({ viewport: { width: 1024, height: 760 }, locale: 'en-GB' })
  const page = await context.newPage()
  await page.goto(await brandPage(t, hub.url, 'ar'))
  await page.waitForFunction(() => document.getElementById('watering-hole-widget') !== null)
  await page.keyboard.press('Tab') // the launcher, in a closed shadow root Playwright's locators cannot enter
  await page.keyboard.press('Enter')
  const frame = await chatFrame(page)
  await frame.locator('#wh-name').waitFor()
  t.same(await frame.evaluate(() => [document.documentElement.lang, document.documentElement.dir]), ['ar', 'rtl'])
  t.equal(await frame.locator('#wh-name').evaluate(el => getComputedStyle(el).direction), 'rtl')
  await introduce(frame, 'ar', 'زرافة')
  await frame.locator('#wh-message').fill('مرحبًا! هل الماء صالح للشرب اليوم؟')
  await frame.locator('#wh-send').click()
  const customerId = await eventually(async () => (await hub.store.listThreads({ channelId: 'watering-hole' }))[0]?.customerId, 10_000, 'thread')
  t.equal((await hub.store.getCustomer('watering-hole', customerId))?.locale, 'ar')
  const agent = await agentConsole(hub, customerId)
  await agent.reply('نعم، إنه طازج من النبع.')
  await frame.getByRole('log').getByText('نعم، إنه طازج من النبع.').waitFor({ timeout: 10_000 })
  // the agent's bubble starts at the right in RTL: its right edge is right of the customer's
  const [agentBox, ownBox] = await Promise.all([frame.locator('.wh-agent .wh-bubble').boundingBox(), frame.locator('.wh-me .wh-bubble').boundingBox()])
  t.ok(agentBox !== null && ownBox !== null && agentBox.x + agentBox.width > ownBox.x + ownBox.width, 'agent on the right, customer on the left')
  await screenshot(t, page, 'widget-ar.png')
})
