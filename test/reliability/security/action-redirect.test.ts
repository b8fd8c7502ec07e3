import t, { type Test } from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { startHub, type StartedHub } from '../../helper.js'
import { launch } from '../../plugins/watering-hole/browser.js'
import { mintOneTimeToken } from '../../../core/sandbox/one-time-tokens.js'
import { SandboxState } from '../../../core/sandbox/state.js'
import { testDir } from '../../test-dir.js'

// Issues 13.6 and 13.11 in a real browser: CXone opens an action URL with a one-time token and a backUrl; the admin
// confirms; Chromium must follow the redirect back to CXone (form-action names CXone's hosts) and must not follow
// one to anywhere else (an open redirect).

const recorder = [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', name: 'Recorder Channel', config: {} }]
const SANDBOX_USER = 1

/** A plain web server standing for some other site: counts the browser's visits. */
async function site (t: Test): Promise<{ url: string, host: string, hits: () => number }> {
  let hits = 0
  const server = createServer((req, res) => {
    // a visit is a page load: Chromium also asks a page's origin for /favicon.ico, at a time of its own choosing
    if (req.url === '/favicon.ico') { res.writeHead(404).end(); return }
    hits++
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title><h1>elsewhere</h1>')
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => server.close(() => resolve())))
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url: `http://${host}`, host, hits: () => hits }
}

/** The action URL CXone would open: a fresh one-time token minted by the CXone (sandbox) that verifies it. */
async function actionUrl (hub: StartedHub, cxone: StartedHub, action: string, backUrl: string): Promise<string> {
  const token = await mintOneTimeToken(cxone.store, cxone.config.sandbox.brandId, SANDBOX_USER)
  const q = new URLSearchParams({ userId: String(SANDBOX_USER), brandId: String(cxone.config.sandbox.brandId), token, apiHost: cxone.sandboxUrl, backUrl })
  return `${hub.box}/actions/${action}?${q}`
}

/** Opens the action page, confirms the first channel and collects CSP violations the page reports. */
async function confirm (browser: Browser, url: string, verb: string): Promise<{ page: Page, violations: string[] }> {
  const page = await browser.newPage()
  const violations: string[] = []
  page.on('console', m => { if (/Content Security Policy/.test(m.text())) violations.push(m.text()) })
  await page.goto(url)
  await page.getByRole('button', { name: verb }).click()
  return { page, violations }
}

const channelExists = async (cxone: StartedHub): Promise<boolean> => (await new SandboxState(cxone.store).getChannel('chat_recorder')) !== undefined

t.test('sandbox mode: Add, Reconnect and Remove end at the sandbox console', async t => {
  const browser = await launch(t)
  const hub = await startHub(t, { channels: recorder })
  const consoleUrl = `${hub.sandboxUrl}/console/`
  await new SandboxState(hub.store).deleteChannel('chat_recorder')

  for (const [action, verb, exists] of [['add', 'Connect', true], ['reconnect', 'Reconnect', true], ['remove', 'Remove', false]] as const) {
    const { page, violations } = await confirm(browser, await actionUrl(hub, hub, action, consoleUrl), verb)
    await page.waitForURL(consoleUrl)
    t.equal(page.url(), consoleUrl, `${action}: back at the console`)
    t.same(violations, [], `${action}: no CSP violation`)
    t.equal(await channelExists(hub), exists, `${action}: DFO channel ${exists ? 'present' : 'gone'}`)
    await page.close()
  }
})

t.test('live mode: CXone\'s own backUrl is followed, a foreign one is not', async t => {
  const browser = await launch(t)
  const dir = testDir(t, { cxone: {}, hub: {} })
  // the hub's CXone is the sandbox another hub ships, on another port: another origin, as a real CXone is
  const cxone = await startHub(t, { channels: [] }, { dir: join(dir, 'cxone') })
  const cxoneUi = await site(t)
  const attacker = await site(t)
  const hub = await startHub(t, {
    cxone: {
      mode: 'live', authUrl: `${cxone.sandboxUrl}/auth/token`, apiBaseUrl: cxone.sandboxUrl,
      accessKeyId: cxone.config.sandbox.accessKeyId, accessKeySecret: cxone.config.sandbox.accessKeySecret,
      actionReturnHosts: [cxoneUi.host],
      // live mode creates channels only under the Integration ID CXone gave the BYOC integration (else Add answers 409)
      channelIntegrationId: 'integration-1'
    },
    channels: recorder
  }, { dir: join(dir, 'hub') })

  await t.test('the configured CXone\'s host', async t => {
    const back = `${cxone.sandboxUrl}/console/`
    const { page, violations } = await confirm(browser, await actionUrl(hub, cxone, 'add', back), 'Connect')
    await page.waitForURL(back)
    t.same(violations, [], 'form-action allowed the redirect')
    t.ok(await channelExists(cxone), 'DFO channel created')
    const csp = String((await (await page.context().request.get(await actionUrl(hub, cxone, 'reconnect', back))).headers())['content-security-policy'])
    t.match(csp, `form-action 'self' ${new URL(cxone.url).host}`, 'form-action names the CXone host')
    t.match(csp, cxoneUi.host, 'and cxone.actionReturnHosts')
    t.notMatch(csp, attacker.host)
  })

  await t.test('a host from cxone.actionReturnHosts', async t => {
    const back = `${cxoneUi.url}/admin/integrations`
    const { page } = await confirm(browser, await actionUrl(hub, cxone, 'remove', back), 'Remove')
    await page.waitForURL(back)
    t.equal(cxoneUi.hits(), 1, 'the browser reached CXone\'s UI')
    t.notOk(await channelExists(cxone), 'DFO channel removed')
  })

  await t.test('a foreign host: the admin stays on the hub, told why', async t => {
    const back = `${attacker.url}/phish`
    const page = await browser.newPage()
    await page.goto(await actionUrl(hub, cxone, 'add', back))
    t.match(await page.getByRole('note').textContent(), `(${attacker.host}) is not one of this hub's CXone hosts`)
    await page.getByRole('button', { name: 'Connect' }).click()
    await page.getByRole('status').filter({ hasText: 'is connected to CXone' }).waitFor()
    t.equal(new URL(page.url()).host, new URL(hub.url).host, 'still on the hub')
    t.ok(await channelExists(cxone), 'the action itself was done')

    // a refused token with a foreign backUrl: an error page, no redirect either
    const forged = new URLSearchParams({ userId: '1', brandId: String(cxone.config.sandbox.brandId), token: 'forged', backUrl: back })
    const res = await page.goto(`${hub.box}/actions/add?${forged}`)
    t.equal(res?.status(), 403)
    t.match(await page.getByRole('alert').textContent(), 'could not be verified')
    t.equal(attacker.hits(), 0, 'the browser never went to the foreign host')
  })
})
