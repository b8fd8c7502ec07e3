import t from 'tap'
import { Agent, request } from 'undici'
import { connect } from 'node:net'
import { CLIENT, cxoneToken, eventually, http, startHub } from '../../helper.js'
import { liveCxone, startRecordingCxone } from '../harness/cxone-recorder.js'
import { startRecordingPlatform } from '../harness/platform-recorder.js'
import { routesOf } from '../harness/route-inventory.js'

t.test('S-22: route inventory: everything but health, docs, token, action pages, platform webhooks and kept attachments (capability URLs) needs the bearer token', async t => {
  const cxone = await startRecordingCxone(t, [{ id: 'chat_recorder', name: 'Recorder' }])
  const hub = await startHub(t, {
    cxone: liveCxone(cxone.url, cxone.url),
    metrics: { bearerToken: 'metrics-token-0123456789abcdef-0123' },
    channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: {} }]
  })
  const routes = routesOf(hub.app.printRoutes({ commonPrefix: false }))
  t.ok(routes.length >= 10, `${routes.length} routes enumerated`)
  const publicRoute = (p: string) => /^\/(health\/|openapi\.json|docs|metrics)/.test(p) || p === '/integration/box/1.0/token' || p.startsWith('/integration/box/actions/') || p.startsWith('/channels/') ||
    // kept agent attachments: the platform and the customer open the link, so the unguessable id is the credential (checked below)
    p === '/attachments/:threadId/:id'
  const token = await cxoneToken(hub)
  let guarded = 0
  for (const r of routes) {
    const url = hub.url + r.path.replace(/:(\w+)/g, 'x').replace('*', 'x')
    for (const method of r.methods.filter(m => m !== 'HEAD')) {
      const res = await http(method as 'GET', url, method === 'GET' ? undefined : {})
      if (publicRoute(r.path)) {
        t.ok(res.status < 500, `${method} ${r.path} (public by design): ${res.status}`)
        continue
      }
      guarded++
      t.equal(res.status, 401, `${method} ${r.path} without a token: 401`)
      t.not((await http(method as 'GET', url, method === 'GET' ? undefined : {}, { authorization: `Bearer ${token}` })).status, 401, `${method} ${r.path} with CXone's token: past authentication`)
    }
  }
  t.ok(guarded >= 4, `${guarded} CXone routes guarded`)
  // the attachment route is public only as a capability: a well-formed id that was never handed out finds nothing, token or not
  t.ok(routes.some(r => r.path === '/attachments/:threadId/:id'), 'the kept-attachment route is in the inventory')
  const guessed = `${hub.url}/attachments/some-thread/${'A'.repeat(32)}`
  const noToken = await http('GET', guessed)
  t.equal(noToken.status, 404, 'a guessed attachment id without a token: 404')
  t.equal(noToken.body.error.code, 'BYOC_ERR_ATTACHMENT_UNKNOWN')
  t.equal((await http('GET', guessed, undefined, { authorization: `Bearer ${token}` })).status, 404, "and CXone's token does not open it either")
  // the operator surface does not open to a CXone-issued token
  t.equal((await http('GET', `${hub.url}/metrics`, undefined, { authorization: `Bearer ${token}` })).status, 401, '/metrics refuses the CXone token')
  t.equal((await http('GET', `${hub.url}/metrics`, undefined, { authorization: 'Bearer metrics-token-0123456789abcdef-0123' })).status, 200, '/metrics takes its own token')
})

t.test('S-10/S-12: token endpoint contract and brute force', async t => {
  const hub = await startHub(t)
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`
  const form = (o: Record<string, string>) => new URLSearchParams(o).toString()
  const tokenUrl = `${hub.box}/1.0/token`
  const ok = await http('POST', tokenUrl, form({ grant_type: 'client_credentials' }), { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(CLIENT.clientId, CLIENT.clientSecret) })
  t.equal(ok.status, 200)
  t.equal(ok.headers['cache-control'], 'no-store')
  t.equal(ok.headers.pragma, 'no-cache')
  t.match(ok.body, { token_type: 'Bearer', expires_in: Number })
  t.notOk('refresh_token' in ok.body, 'no refresh token')
  const wrong = await http('POST', tokenUrl, form({ grant_type: 'client_credentials' }), { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(CLIENT.clientId, 'nope') })
  t.equal(wrong.status, 401)
  t.equal(wrong.body.error, 'invalid_client')
  t.match(String(wrong.headers['www-authenticate']), /^Basic/)
  t.equal((await http('POST', tokenUrl, { grant_type: 'password', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret })).body.error, 'unsupported_grant_type')
  t.equal((await http('POST', tokenUrl, '[]')).body.error, 'invalid_request', 'a malformed body is an OAuth error, not a 500')

  // brute force from one address; CXone, elsewhere, is not locked out
  const statuses: number[] = []
  for (let i = 0; i < 100; i++) statuses.push((await http('POST', tokenUrl, { grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: `guess-${i}` })).status)
  const firstLimited = statuses.indexOf(429)
  t.ok(firstLimited > 0 && firstLimited <= 60, `429 after ${firstLimited} wrong secrets`)
  t.ok(statuses.slice(firstLimited).every(s => s === 429), 'and from then on')
  const limited = await http('POST', tokenUrl, { grant_type: 'client_credentials', ...{ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret } })
  t.equal(limited.status, 429, 'the attacking address stays limited even with the right secret')
  t.ok(limited.headers['retry-after'], 'with Retry-After')
  // another loopback address stands for CXone's own (undici ignores localAddress in plain connect options)
  const elsewhere = new Agent({
    connect: (o, cb) => {
      const so = connect({ host: o.hostname, port: Number(o.port), localAddress: '127.0.0.2' })
      so.once('connect', () => cb(null, so))
      so.once('error', e => cb(e, null))
      return so
    }
  })
  t.teardown(() => elsewhere.close())
  const good = await request(tokenUrl, { method: 'POST', dispatcher: elsewhere, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret }) })
  t.equal(good.statusCode, 200, 'CXone from another address still gets its token')
  await good.body.dump()
  t.comment(`S-12: wrong secrets=100 first429=${firstLimited} goodClientFromOtherAddress=${good.statusCode}`)
})

t.test('S-21: a reply for channel A cannot reach a thread of channel B', async t => {
  const cxone = await startRecordingCxone(t, [{ id: 'chat_a', name: 'A' }, { id: 'chat_b', name: 'B' }])
  const platformA = await startRecordingPlatform(t)
  const platformB = await startRecordingPlatform(t)
  const hub = await startHub(t, {
    cxone: liveCxone(cxone.url, cxone.url),
    channels: [
      { id: 'chan-a', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_a', config: { deliverUrl: platformA.url } },
      { id: 'chan-b', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_b', config: { deliverUrl: platformB.url } }
    ]
  })
  const b = await http('POST', `${hub.url}/channels/chan-b/inbound`, { customerId: 'bongo', messageId: 'b-1', text: 'hi from b' })
  const threadB = b.body.messages[0].threadId
  const auth = { authorization: `Bearer ${await cxoneToken(hub)}` }
  const res = await http('POST', `${hub.box}/2.0/channel/chat_a/outbound`, { thread: { idOnExternalPlatform: threadB }, messageContent: { type: 'TEXT', payload: { text: 'crossed wires' } } }, auth)
  t.ok(res.status >= 400 && res.status < 500, `channel A naming B's thread: ${res.status} ${res.body?.error?.code}`)
  const control = await http('POST', `${hub.box}/2.0/channel/chat_b/outbound`, { thread: { idOnExternalPlatform: threadB }, messageContent: { type: 'TEXT', payload: { text: 'right channel' } } }, auth)
  t.equal(control.status, 200)
  await eventually(() => platformB.deliveries.length >= 1, 10_000, 'control delivered')
  t.same(platformB.deliveries.map(d => d.text), ['right channel'], "B's customer got only B's reply")
  t.equal(platformA.deliveries.length, 0, "nothing went out on A's platform")
})

t.test('S-11: the client secret check is constant-time and takes the same path for unknown client ids', async t => {
  const crypto = await import('node:crypto')
  let compares = 0
  const { authenticateClient, secretsEqual } = await t.mockImport<typeof import('../../../core/auth/client-credentials.js')>('../../../core/auth/client-credentials.js', {
    'node:crypto': { ...crypto, timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => { compares++; return crypto.timingSafeEqual(a, b) } }
  })
  const clients = [{ clientId: 'cxone-a', clientSecret: 'secret-a-0123456789' }, { clientId: 'cxone-b', clientSecret: 'secret-b-0123456789' }]
  t.equal(secretsEqual('short', 'a much longer secret than that'), false, 'different lengths compare without throwing (digests first)')
  const run = (id: string, secret: string) => { compares = 0; const r = authenticateClient(clients, id, secret); return { ok: !!r, compares } }
  const known = run('cxone-a', 'wrong')
  const unknown = run('no-such-client', 'wrong')
  const good = run('cxone-b', 'secret-b-0123456789')
  t.equal(known.compares, 4, 'a known id with a wrong secret: id and secret compared for every client')
  t.equal(unknown.compares, known.compares, 'an unknown id takes exactly the same path')
  t.equal(good.compares, known.compares, 'and so does a success')
  t.ok(good.ok)
  t.notOk(known.ok || unknown.ok)
})
