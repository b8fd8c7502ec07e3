// Issue 13, point 1 and "no public secrets in sandbox mode": the shipped config (`npm start`) listens on 0.0.0.0 in
// sandbox mode. Probed from another address as an attacker would, the console, its API, the fault injection,
// one-time-token minting and reply-as-agent (M3 with the secret this repository used to ship) all answer 401; the
// URL `byoc-hub start` prints opens the console in a real browser, where the agent replies to a real customer.
// Needs `npm run build` (the hub runs as the built CLI).
import t from 'tap'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { ROOT, eventually } from '../../helper.js'
import { freePort, spawnHub } from '../../process/spawn-hub.js'
import { launch, log, newAnimal, say } from '../../plugins/watering-hole/browser.js'
import { SqliteStore } from '../../../core/store/sqlite.js'
import { keptSecret } from '../../../core/sandbox/kept-secrets.js'
import { testDir } from '../../test-dir.js'

/** What this repository shipped before issue 13: anyone who read it could take a token with these. */
const OLD_CLIENT_SECRET = 'sandbox-client-secret-change-me'
const OLD_ACCESS_KEY_SECRET = 'sandbox-secret'

/** An address of this machine other than loopback, when it has one: the hub is reached as from the network. */
function outsideAddress (): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address
  }
  return '127.0.0.1'
}

// the hub's pressure guard answers 503 BYOC_ERR_OVERLOADED on a loaded box (2 test jobs, a browser): a client comes
// back, as CXone does; what this file checks is every other answer
const raw = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Probe> => {
  for (let attempt = 1; ; attempt++) {
    const probe = await once(method, url, body, headers)
    if (probe.status !== 503 || probe.json?.error?.code !== 'BYOC_ERR_OVERLOADED' || attempt === 40) return probe
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}

interface Probe { status: number, json: any, text: string, headers: Headers } // intentional any: probe answers

const once = async (method: string, url: string, body: unknown, headers: Record<string, string>): Promise<Probe> => {
  const res = await fetch(url, {
    method, redirect: 'manual',
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {})
  })
  const text = await res.text()
  let json: any // intentional any: probe answers
  try { json = JSON.parse(text) } catch { json = undefined }
  return { status: res.status, json, text, headers: res.headers }
}

t.test('the shipped config on 0.0.0.0: sandbox controls need the printed console URL', async t => {
  const dir = testDir(t, {})
  const port = await freePort()
  const hub = await spawnHub(join(ROOT, 'config/byoc-hub.yaml'), port, {
    PORT: String(port), METRICS_PORT: String(await freePort()), BYOC_DB: join(dir, 'hub.db')
  })
  t.teardown(() => hub.kill('SIGTERM'))
  const printed = await eventually(() => /Agent console \(sandbox\):\s+(\S+)/.exec(hub.output())?.[1], 15_000, 'the printed console URL')
  const consoleUrl = new URL(printed)
  const token = consoleUrl.searchParams.get('token')
  t.ok(token && token.length >= 32, 'the printed console URL carries a long login token')
  t.equal(consoleUrl.pathname, '/sandbox/console/')

  const outside = `http://${outsideAddress()}:${port}`
  const sb = `${outside}/sandbox`

  t.test('without the credential every control answers 401 with a stable code', async t => {
    const probes: Array<[string, string, unknown?]> = [
      ['GET', `${sb}/console/`], ['GET', `${sb}/console/?token=not-the-token`], ['GET', `${sb}/console/console.css`],
      ['GET', `${sb}/console/js/console.js`], ['GET', `${sb}/console/api/threads`], ['GET', `${sb}/console/api/customers`],
      ['POST', `${sb}/console/api/threads/any/reply`, { text: 'I am the agent now' }],
      ['POST', `${sb}/console/api/outbound`, { channelId: 'chat_watering-hole', customerId: 'c', text: 'hi' }],
      ['POST', `${sb}/console/api/integrations/one-time-token`, {}],
      ['GET', `${sb}/_faults`], ['PUT', `${sb}/_faults`, { errorRate: 1 }]
    ]
    for (const [method, url, body] of probes) {
      const res = await raw(method, url, body)
      t.equal(res.status, 401, `${method} ${url}`)
      t.equal(res.json?.error?.code, 'BYOC_ERR_SANDBOX_CONSOLE_UNAUTHORIZED', `${method} ${url}: stable code`)
    }
    const wrongBearer = await raw('GET', `${sb}/console/api/threads`, undefined, { authorization: 'Bearer not-the-token' })
    t.equal(wrongBearer.status, 401, 'a wrong bearer')
    const wrongCookie = await raw('GET', `${sb}/console/api/threads`, undefined, { cookie: 'byoc_sandbox_console=not-the-token' })
    t.equal(wrongCookie.status, 401, 'a wrong cookie')
  })

  t.test('the secrets this repository used to ship take no token', async t => {
    const m1 = await raw('POST', `${outside}/integration/box/1.0/token`, { grant_type: 'client_credentials', client_id: 'sandbox', client_secret: OLD_CLIENT_SECRET })
    t.equal(m1.status, 401, 'M1 refuses the old public client secret')
    const m3 = await raw('POST', `${outside}/integration/box/2.0/channel/chat_watering-hole/outbound`, {
      thread: { idOnExternalPlatform: 'x' }, messageContent: { type: 'TEXT', payload: { text: 'reply as agent' } }, endUserRecipients: [{ idOnExternalPlatform: 'c' }]
    })
    t.equal(m3.status, 401, 'so M3 (reply as agent) answers 401')
    const cxone = await raw('POST', `${sb}/auth/token`, `grant_type=password&username=sandbox-key&password=${OLD_ACCESS_KEY_SECRET}`, { 'content-type': 'application/x-www-form-urlencoded' })
    t.equal(cxone.status, 401, 'the sandbox\'s own token endpoint refuses its old default access key secret')
  })

  t.test('the printed token opens the console; its API and _faults accept it as a bearer', async t => {
    const page = await raw('GET', consoleUrl.href.replace(consoleUrl.origin, outside))
    t.equal(page.status, 200, 'the page answers 200 itself (no redirect)')
    t.match(page.text, 'Agent console')
    const cookie = page.headers.get('set-cookie') ?? ''
    t.match(cookie, /^byoc_sandbox_console=[^;]+;/)
    t.match(cookie, /HttpOnly/)
    t.match(cookie, /SameSite=Strict/)
    t.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/)
    t.equal(page.headers.get('x-content-type-options'), 'nosniff')
    t.equal(page.headers.get('referrer-policy'), 'no-referrer', 'the token in the URL never leaves in a Referer')
    const bearer = { authorization: `Bearer ${token}` }
    t.equal((await raw('GET', `${sb}/console/api/threads`, undefined, bearer)).status, 200)
    t.equal((await raw('GET', `${sb}/console/api/threads`, undefined, { cookie: cookie.split(';')[0]! })).status, 200, 'the cookie alone')
    t.equal((await raw('PUT', `${sb}/_faults`, {}, bearer)).status, 200)
  })

  t.test('in a real browser: the printed URL, then a reply to a real customer', async t => {
    const browser = await launch(t)
    const local = `http://localhost:${port}`
    const { page: widget, customerId } = await newAnimal(browser, local, 'Kito', 'giraffe')
    await say(widget, 'Is the river crossing open?')

    const agent = await (await browser.newContext()).newPage()
    const opened = await agent.goto(printed)
    t.equal(opened?.status(), 200)
    t.equal(opened?.request().redirectedFrom(), null, 'no redirect')
    const cookies = await agent.context().cookies()
    t.ok(cookies.some(c => c.name === 'byoc_sandbox_console' && c.httpOnly && c.sameSite === 'Strict'), 'HttpOnly, SameSite=Strict cookie')
    await agent.getByRole('heading', { name: 'Agent console' }).waitFor()
    await agent.locator('#thread-list button', { hasText: 'Kito' }).first().click({ timeout: 20_000 })
    await agent.getByRole('log', { name: 'Transcript' }).getByText('Is the river crossing open?').waitFor({ timeout: 15_000 })
    await agent.getByLabel('Reply').fill('Yes, the crocodiles are asleep.')
    await agent.getByRole('button', { name: 'Send reply' }).click()
    await log(widget).getByText('Yes, the crocodiles are asleep.').waitFor({ timeout: 15_000 })
    t.pass(`the agent's reply reached customer ${customerId}`)

    const stranger = await (await browser.newContext()).newPage()
    const refused = await stranger.goto(`${local}/sandbox/console/`)
    t.equal(refused?.status(), 401, 'another browser without the URL gets 401')
  })

  t.test('an uploaded HTML file is never rendered inline', async t => {
    // the generated access key is in the hub's store: whoever holds the disk holds the sandbox, nobody else
    const store = new SqliteStore(join(dir, 'hub.db'))
    t.teardown(() => store.close())
    const accessKeySecret = await keptSecret(store, 'access-key')
    const auth = await raw('POST', `${sb}/auth/token`, `grant_type=password&username=sandbox-key&password=${encodeURIComponent(accessKeySecret)}`, { 'content-type': 'application/x-www-form-urlencoded' })
    t.equal(auth.status, 200)
    const html = '<html><body><script>document.title = "pwned"</script><h1 id="owned">owned</h1></body></html>'
    const up = await raw('POST', `${sb}/dfo/3.0/attachments/temporary`, { content: Buffer.from(html).toString('base64'), mimeType: 'text/html' }, { authorization: `Bearer ${auth.json.access_token}` })
    t.equal(up.status, 200)
    const fileUrl = (up.json.url as string).replace(/^http:\/\/[^/]+/, `http://localhost:${port}`)
    const served = await raw('GET', fileUrl)
    t.match(served.headers.get('content-disposition') ?? '', /^attachment/)
    t.equal(served.headers.get('x-content-type-options'), 'nosniff')

    const browser = await launch(t)
    const page = await (await browser.newContext({ acceptDownloads: true })).newPage()
    await page.goto(`http://localhost:${port}/health/live`)
    const [download] = await Promise.all([page.waitForEvent('download'), page.goto(fileUrl).catch(() => undefined)])
    t.ok(download, 'the browser downloads it')
    t.not(await page.title(), 'pwned', 'its script never ran on the hub\'s origin')
    t.equal(await page.locator('#owned').count(), 0, 'its markup never rendered')
  })
})
