import { createRequire } from 'node:module'
import type { Test } from 'tap'
import type { Browser, Page } from 'playwright-core'
import { eventually, startHub } from '../../helper.js'
import { CATALOGUES, type Locale } from '../../../plugins/watering-hole/i18n/index.js'
import { agentConsole, launch, SOCKET_TAP } from './browser.js'
import { WH } from './ws-client.js'

const AXE = createRequire(import.meta.url).resolve('axe-core')
const WCAG21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 360, height: 740 } } as const

/** A 1×1 PNG: the hub checks a file's first bytes against its type. */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

/**
 * axe-core over the whole page, WCAG 2.1 A and AA rules: no serious or critical violation. The report names each
 * rule and the elements, so a failure says what to fix.
 */
export async function expectNoSeriousViolations (t: Test, page: Page, label: string): Promise<void> {
  if (!await page.evaluate(() => 'axe' in window)) await page.addScriptTag({ path: AXE })
  const violations = await page.evaluate(async (tags) => {
    const result = await (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: Array<{ id: string, impact: string | null, nodes: Array<{ target: unknown[], failureSummary?: string }> }> }> } })
      .axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
      .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join(' | ')}`)
  }, WCAG21_AA)
  t.same(violations, [], `${label}: no serious or critical WCAG 2.1 A/AA violation`)
}

/** Each state at desktop and phone size. */
async function scanBothSizes (t: Test, page: Page, state: string): Promise<void> {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport)
    await expectNoSeriousViolations(t, page, `${state}, ${size}`)
  }
}

/**
 * Every state issue 18 lists, in one conversation: the introduction and the empty chat, an attachment chosen, the
 * agent typing, a conversation, reconnecting, the idle prompt with its countdown, the ended chat. The browser's
 * language picks the widget's (no locale configured), so `locale` also proves the Accept-Language path.
 */
export async function auditEveryState (t: Test, locale: Locale): Promise<void> {
  const strings = CATALOGUES[locale]
  const idle = { timeout: '4s', countdown: '30s' }
  const hub = await startHub(t, { channels: [{ id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: 'chat_watering-hole', rules: { idle }, config: { identitySecret: 'test-identity-secret-0123456789abcdef' } }] })
  const browser: Browser = await launch(t)
  // bypassCSP: only so axe's script can be injected into the page; the widget itself runs under its CSP elsewhere
  const context = await browser.newContext({ viewport: VIEWPORTS.desktop, locale, bypassCSP: true })
  await context.addInitScript(SOCKET_TAP)
  const page = await context.newPage()
  page.on('pageerror', err => t.fail(`page error: ${err.message}`))
  await page.goto(`${hub.url}${WH}/`)
  t.equal(await page.evaluate(() => document.documentElement.lang), locale, 'the page is in the browser\'s language')
  t.equal(await page.evaluate(() => document.documentElement.dir), locale === 'ar' ? 'rtl' : 'ltr')

  await page.locator('#wh-name').waitFor()
  await scanBothSizes(t, page, 'introduction')

  await page.locator('#wh-name').fill('Audit Aardvark')
  await page.locator('button[type=submit].wh-primary').click()
  await page.locator('#wh-conn').filter({ hasText: strings.online }).waitFor({ timeout: 15_000 })
  await scanBothSizes(t, page, 'empty chat')

  await page.locator('#wh-file').setInputFiles({ name: 'waterhole.png', mimeType: 'image/png', buffer: TINY_PNG })
  await page.locator('.wh-file-chip').filter({ hasText: 'waterhole.png' }).filter({ hasNotText: '…' }).waitFor({ timeout: 10_000 })
  await scanBothSizes(t, page, 'attachment chosen')

  await page.locator('#wh-message').fill('Here is the water hole')
  await page.locator('#wh-send').click()
  const customerId = await eventually(async () => (await hub.store.listThreads({ channelId: 'watering-hole' }))[0]?.customerId, 10_000, 'thread')
  const agent = await agentConsole(hub, customerId)
  await agent.typing(true)
  await page.locator('#wh-typing').waitFor({ state: 'visible', timeout: 10_000 })
  await scanBothSizes(t, page, 'agent typing')

  await agent.reply('Lovely picture. Anything else?')
  await page.locator('#wh-log').getByText('Lovely picture').waitFor({ timeout: 10_000 })
  await scanBothSizes(t, page, 'in conversation')

  await page.evaluate(() => {
    const w = window as unknown as { __wsDown: boolean, __sockets: WebSocket[] }
    w.__wsDown = true
    for (const s of w.__sockets) s.close()
  })
  await page.locator('#wh-conn').filter({ hasText: strings.offline }).waitFor({ timeout: 10_000 })
  await scanBothSizes(t, page, 'reconnecting')
  await page.evaluate(() => { (window as unknown as { __wsDown: boolean }).__wsDown = false })
  await page.locator('#wh-conn').filter({ hasText: strings.online }).waitFor({ timeout: 30_000 })

  await page.locator('#wh-idle').waitFor({ state: 'visible', timeout: 20_000 })
  t.equal(await page.locator('#wh-idle-text').textContent(), strings.stillThere, 'the prompt in the customer\'s language')
  await scanBothSizes(t, page, 'idle prompt with countdown')

  await agent.end()
  await page.locator('#wh-ended').waitFor({ state: 'visible', timeout: 15_000 })
  await scanBothSizes(t, page, 'ended')
}
