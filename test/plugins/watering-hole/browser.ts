import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import tap, { type Test } from 'tap'
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core'
import { ROOT, eventually, http } from '../../helper.js'
import { WH } from './ws-client.js'

/** Compiles the widget's browser code (the plugin's tsconfig.web.json) when its dist/ is missing or older than the sources. */
export function buildWidget (): void {
  const pkg = join(ROOT, 'plugins', 'watering-hole')
  const out = join(pkg, 'dist', 'web', 'app.js')
  const newest = Math.max(...readdirSync(join(pkg, 'web')).map(f => statSync(join(pkg, 'web', f)).mtimeMs))
  if (existsSync(out) && statSync(out).mtimeMs >= newest && !process.env.WH_REBUILD) return
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.web.json'], { cwd: pkg, stdio: 'pipe' })
  } catch { /* type errors elsewhere still emit; the check below is what matters */ }
  if (!existsSync(out)) throw new Error('widget browser code did not build')
}

/**
 * `blockThirdPartyStorage`: third-party cookies blocked (--test-third-party-cookie-phaseout), and with them the
 * storage of cross-site iframes, as Chromium as shipped here, Chrome Incognito and Brave do. Chromium 156 also
 * blocks it without the flag; the flag keeps the test honest should a build stop doing so by default.
 */
export async function launch (t: Test, opts: { blockThirdPartyStorage?: boolean } = {}): Promise<Browser> {
  buildWidget()
  const blocked = opts.blockThirdPartyStorage === true
  // one Chromium per test file and flag set (a launch costs seconds of CPU); each test still owns its world: the
  // contexts it opened (their pages, storage, cookies, sockets) are closed when it ends
  let launched = browsers.get(blocked)
  if (!launched) {
    launched = chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        ...(blocked ? ['--test-third-party-cookie-phaseout'] : [])]
    })
    browsers.set(blocked, launched)
    const closing = launched
    tap.teardown(async () => { await (await closing).close() })
  }
  const browser = await launched
  const before = new Set(browser.contexts())
  t.teardown(async () => { for (const c of browser.contexts()) if (!before.has(c)) await c.close() })
  return browser
}
const browsers = new Map<boolean, Promise<Browser>>()

// Test-only instrumentation, injected before the page's scripts: keeps every WebSocket the page opens and
// lets a test cut the network for sockets (new ones then fail their handshake until it is restored; a
// same-origin URL so the page's CSP does not block it outright).
export const SOCKET_TAP = `(() => {
  const Native = window.WebSocket
  window.__sockets = []
  window.__wsDown = false
  window.WebSocket = class extends Native {
    constructor (url, protocols) { super(window.__wsDown ? String(url).replace(/\\/ws$/, '/ws-down') : url, protocols); window.__sockets.push(this) }
  }
})()`

export interface Animal { context: BrowserContext, page: Page, customerId: string }

export async function openWidget (browser: Browser, hubUrl: string, context?: BrowserContext): Promise<Page> {
  const ctx = context ?? await browser.newContext({ viewport: { width: 420, height: 720 } })
  await ctx.addInitScript(SOCKET_TAP)
  const page = await ctx.newPage()
  await page.goto(`${hubUrl}${WH}/`)
  return page
}

/** A new animal at the standalone page: introduces itself and waits until the chat is online. */
export async function newAnimal (browser: Browser, hubUrl: string, name = 'Zara', avatar = 'zebra'): Promise<Animal> {
  const page = await openWidget(browser, hubUrl)
  // the widget's script shows the form; a loaded hub's pressure guard may refuse that script (503, Retry-After 1),
  // and the form never appears (seen once in a full run): reload after a while, as the customer would
  const refused: string[] = []
  page.on('response', r => { if (r.status() >= 500) refused.push(`${r.status()} ${r.url()}`) })
  const form = page.getByLabel('Your name')
  if (!await form.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false)) {
    await page.reload()
    await form.waitFor({ state: 'visible', timeout: 15_000 }).catch((err: Error) => {
      throw new Error(`the widget's form did not appear (after a reload); answers 5xx: ${refused.join(', ') || 'none'}: ${err.message}`)
    })
  }
  await form.fill(name)
  await page.locator(`input[name=avatar][value=${avatar}]`).check()
  await page.getByRole('button', { name: 'Start chatting' }).click()
  await online(page)
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('watering-hole.identity') ?? '{}').token as string)
  return { context: page.context(), page, customerId: token.split('.')[0] }
}

export async function online (page: Page | Frame): Promise<void> {
  await page.getByRole('status').filter({ hasText: 'Online' }).first().waitFor({ timeout: 15_000 })
}

export async function say (page: Page | Frame, text: string): Promise<void> {
  await page.getByLabel('Message').fill(text)
  await page.getByRole('button', { name: 'Send' }).click()
}

export function log (page: Page | Frame) { return page.getByRole('log') }

/** The sandbox's view of the thread the hub opened for this customer (its open one, or the newest). */
/** The sandbox's thread once it has a case (its first message created), as an agent sees it: one it can end. */
export async function sandboxThread (sandboxUrl: string, threadId: string): Promise<any> { // intentional any: sandbox JSON
  return await eventually(async () => ((await http('GET', `${sandboxUrl}/console/api/threads`)).body as any[])
    .find(th => th.idOnExternalPlatform === threadId && th.contactId !== undefined), 15_000, `sandbox thread ${threadId} with its case`)
}

/** A message sent on a WebSocket of the page's own, past the widget's UI; resolves to the error code the hub answers. */
export async function sendOnOwnSocket (page: Page, text: string): Promise<string> {
  return page.evaluate(async (text) => {
    const token = JSON.parse(localStorage.getItem('watering-hole.identity') ?? '{}').token
    const ws = new WebSocket(`ws://${location.host}/channels/watering-hole/ws`)
    return await new Promise<string>((resolve) => {
      ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', token }))
      ws.onmessage = ev => {
        const f = JSON.parse(String(ev.data))
        if (f.type === 'history') ws.send(JSON.stringify({ type: 'message', clientMessageId: crypto.randomUUID(), text }))
        if (f.type === 'error') resolve(f.code)
      }
    })
  }, text)
}

/** Re-enables the widget's disabled input by hand and sends: what a customer forcing the UI would do. */
export async function forceSend (page: Page, text: string): Promise<void> {
  await page.evaluate(() => { for (const id of ['wh-message', 'wh-send']) (document.getElementById(id) as HTMLInputElement).disabled = false })
  await say(page, text)
}

/** "Start a new chat" after an ended one: waits for the input to come back, then sends the first message. */
export async function startNewChat (page: Page, text: string): Promise<void> {
  await page.getByRole('button', { name: 'Start a new chat' }).click()
  // a socket round trip (new-chat, then the history) on a loaded box with browsers in parallel
  await eventually(async () => !await page.getByLabel('Message').isDisabled(), 15_000, 'input enabled')
  await say(page, text)
}

/** The agent's side of a customer's current thread, through the sandbox console. */
export async function agentConsole (hub: { store: { findCurrentThread: (c: string, id: string) => Promise<any> }, sandboxUrl: string }, customerId: string) { // intentional any: store thread
  const thread = await eventually(() => hub.store.findCurrentThread('watering-hole', customerId), 10_000, 'open thread')
  const sb = await sandboxThread(hub.sandboxUrl, thread.threadId)
  const api = `${hub.sandboxUrl}/console/api/threads/${encodeURIComponent(sb.id)}`
  return {
    thread,
    api,
    reply: async (text: string) => { await eventually(async () => (await http('POST', `${api}/reply`, { text })).status === 200, 10_000, 'agent reply') },
    typing: async (on: boolean) => { await http('POST', `${api}/typing`, { action: on ? 'isTypingOn' : 'isTypingOff' }) },
    end: async () => {
      const res = await http('POST', `${api}/end`)
      if (res.status !== 204) throw new Error(`End conversation answered ${res.status}: ${JSON.stringify(res.body)}`)
    },
    messages: async (): Promise<any[]> => (await http('GET', api)).body.messages // intentional any: console JSON
  }
}

/** A brand's page on its own origin, embedding the widget as the README says. */
export async function brandPage (t: Test, hubUrl: string, lang = 'en'): Promise<string> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(`<!doctype html><html lang="${lang}"><head><title>Savanna news</title></head><body><main><h1>Savanna news</h1>` +
      `<p>The river is high this week.</p></main><script src="${hubUrl}${WH}/widget.js" async></script></body></html>`)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => server.close(() => resolve())))
  return `http://localhost:${(server.address() as AddressInfo).port}/`
}

/** The chat iframe the embed put on a brand's page (in a closed shadow root: found among the page's frames). */
export async function chatFrame (page: Page): Promise<Frame> {
  return await eventually(() => page.frames().find(f => f.url().includes(`${WH}/?embed=1`)), 10_000, 'the chat iframe')
}
