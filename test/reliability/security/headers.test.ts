import t from 'tap'
import { request } from 'undici'
import { startHub, TEST_CONSOLE_TOKEN } from '../../helper.js'
import { routesOf } from '../harness/route-inventory.js'
import { mintOneTimeToken } from '../../../core/sandbox/one-time-tokens.js'

// Issue 13.7: every HTML page the hub serves sends a CSP with frame-ancestors, nosniff and a referrer policy.

interface Page { status: number, type: string, csp: string, nosniff: string, referrer: string, body: string }

async function get (url: string, init: { method?: 'GET' | 'POST', body?: string, headers?: Record<string, string> } = {}): Promise<Page> {
  const res = await request(url, { method: init.method ?? 'GET', headers: { accept: 'text/html', ...init.headers }, ...(init.body !== undefined ? { body: init.body } : {}) })
  const h = (k: string): string => String(res.headers[k] ?? '')
  return { status: res.statusCode, type: h('content-type'), csp: h('content-security-policy'), nosniff: h('x-content-type-options'), referrer: h('referrer-policy'), body: await res.body.text() }
}

const frameAncestors = (csp: string): string | undefined => /(?:^|;)\s*frame-ancestors ([^;]*)/.exec(csp)?.[1]?.trim()

t.test('every HTML route, found in the route tree, sends CSP frame-ancestors, nosniff and a referrer policy', async t => {
  const hub = await startHub(t, {
    channels: [
      { id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: 'chat_watering-hole', name: 'The Watering Hole', config: { identitySecret: 'test-identity-secret-0123456789abcdef', allowedOrigins: ['https://shop.example'] } },
      { id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', name: 'Recorder Channel', config: {} }
    ]
  })
  const check = (label: string, p: Page): void => {
    t.ok(frameAncestors(p.csp), `${label}: CSP has frame-ancestors (${p.csp})`)
    t.equal(p.nosniff, 'nosniff', `${label}: nosniff`)
    t.ok(p.referrer, `${label}: Referrer-Policy ${p.referrer}`)
  }

  // the person at the sandbox console opens the URL `byoc-hub start` prints; its page sets the console cookie (Path=/sandbox)
  const consolePage = await request(`${hub.url}/sandbox/console/?token=${TEST_CONSOLE_TOKEN}`, { headers: { accept: 'text/html' } })
  await consolePage.body.dump()
  t.equal(consolePage.statusCode, 200, 'the console opens with its token')
  const consoleCookie = String(consolePage.headers['set-cookie'] ?? '').split(';')[0]!
  t.match(consoleCookie, /^byoc_sandbox_console=./, 'and sets its cookie')

  // every GET route, as a browser asks for it (parameters filled with junk: error pages count too): a stranger's browser,
  // and, under /sandbox (the cookie's path), the console user's browser, which sends the cookie
  const html = new Set<string>()
  for (const r of routesOf(hub.app.printRoutes({ commonPrefix: false })).filter(r => r.methods.includes('GET'))) {
    const url = hub.url + r.path.replace(/:(\w+)/g, 'x').replace('*', 'x')
    const as: Array<{ who: string, headers: Record<string, string> }> = [{ who: '', headers: {} }, ...(r.path.startsWith('/sandbox/') ? [{ who: ' (console cookie)', headers: { cookie: consoleCookie } }] : [])]
    for (const { who, headers } of as) {
      const p = await get(url, { headers })
      if (!p.type.startsWith('text/html')) { t.equal(p.nosniff, 'nosniff', `GET ${r.path}${who} (${p.type || 'no body'}): nosniff`); continue }
      html.add(r.path)
      check(`GET ${r.path}${who} ${p.status}`, p)
    }
  }
  for (const path of ['/channels/watering-hole/', '/integration/box/actions/add', '/integration/box/actions/reconnect', '/integration/box/actions/remove', '/sandbox/console/']) {
    t.ok(html.has(path), `${path} is among the HTML routes found`)
  }

  // the pages behind a query or a form: the widget's embed view, an action page and its end page, a 404
  const embed = await get(`${hub.url}/channels/watering-hole/?embed=1`)
  check('widget embed', embed)
  t.equal(frameAncestors(embed.csp), "'self' https://shop.example", 'the embed may be framed by the allowed origins')
  t.equal(frameAncestors((await get(`${hub.url}/channels/watering-hole/`)).csp), "'none'", 'the standalone page may not be framed')

  const token = await mintOneTimeToken(hub.store, hub.config.sandbox.brandId, 1)
  const q = new URLSearchParams({ userId: '1', brandId: String(hub.config.sandbox.brandId), token })
  const choose = await get(`${hub.box}/actions/add?${q}`)
  t.equal(choose.status, 200)
  check('action page', choose)
  t.equal(frameAncestors(choose.csp), "'none'", 'action pages are never framed')
  const session = /name="session" value="([^"]+)"/.exec(choose.body)![1]!
  const done = await get(`${hub.box}/actions/add`, { method: 'POST', body: `session=${session}&channel=recorder`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  t.equal(done.status, 200)
  t.match(done.body, 'is connected to CXone')
  check('action done page', done)
  const expired = await get(`${hub.box}/actions/add`, { method: 'POST', body: `session=${session}&channel=recorder`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  t.equal(expired.status, 403)
  check('action error page', expired)
  t.match(expired.body, 'BYOC_ERR_ACTION_TOKEN_INVALID')

  const missing = await get(`${hub.url}/no/such/page`)
  t.equal(missing.nosniff, 'nosniff', '404: nosniff')
  t.equal(missing.referrer, 'no-referrer', '404: no referrer')
})
