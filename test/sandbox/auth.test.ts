import t from 'tap'
import { CHANNEL, KEY, startSandboxApp, until } from './helper.js'
import { TEST_CONSOLE_TOKEN } from '../helper.js'

const form = (o: Record<string, string>) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(o).toString() })

t.test('issues CXone-style tokens for the access key', async t => {
  const sb = await startSandboxApp(t)
  const basic = `Basic ${Buffer.from('client:secret').toString('base64')}`
  const res = await sb.app.inject({ method: 'POST', url: '/sandbox/auth/token', ...form({ grant_type: 'password', username: KEY.id, password: KEY.secret }), headers: { ...form({}).headers, authorization: basic } })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.token_type, 'Bearer')
  t.equal(body.expires_in, 60)
  t.type(body.access_token, 'string')
  const claims = JSON.parse(Buffer.from(body.id_token.split('.')[1], 'base64url').toString())
  t.equal(claims.tenantId, 'sandbox-tenant')
  t.match(claims.iss, /\/sandbox$/)
})

t.test('rejects a wrong key with 401 invalid_grant, other grants with 400', async t => {
  const sb = await startSandboxApp(t)
  const wrong = await sb.app.inject({ method: 'POST', url: '/sandbox/auth/token', ...form({ grant_type: 'password', username: KEY.id, password: 'nope' }) })
  t.equal(wrong.statusCode, 401)
  t.same(wrong.json().error, 'invalid_grant')
  const grant = await sb.app.inject({ method: 'POST', url: '/sandbox/auth/token', ...form({ grant_type: 'client_credentials', username: KEY.id, password: KEY.secret }) })
  t.equal(grant.statusCode, 400)
  t.equal(grant.json().error, 'unsupported_grant_type')
  const missing = await sb.app.inject({ method: 'POST', url: '/sandbox/auth/token', ...form({ grant_type: 'password' }) })
  t.equal(missing.statusCode, 400)
})

t.test('DFO calls need a valid bearer token: 401 when missing or unknown', async t => {
  const sb = await startSandboxApp(t)
  const none = await sb.app.inject({ method: 'GET', url: '/sandbox/dfo/3.0/channels' })
  t.equal(none.statusCode, 401)
  t.equal(none.json().errors[0].parameters.errorCode, 'unauthorized')
  t.equal((await sb.dfo('GET', '/channels', undefined, 'made-up')).statusCode, 401)
  t.equal((await sb.dfo('GET', '/channels')).statusCode, 200)
})

t.test('tokens expire after tokenTtlMs, and another instance on the same store accepts them', async t => {
  const sb = await startSandboxApp(t, { tokenTtlMs: 1500 })
  const token = await sb.getToken()
  t.equal((await sb.dfo('GET', '/channels', undefined, token)).statusCode, 200)
  await until(async () => (await sb.dfo('GET', '/channels', undefined, token)).statusCode === 401, 'the token to expire')
  t.pass('expired token answered 401')
})

t.test('a token issued by one instance works on another sharing the store', async t => {
  const a = await startSandboxApp(t)
  const { default: Fastify } = await import('fastify')
  const { sandboxPlugin } = await import('../../core/sandbox/index.js')
  const b = Fastify()
  await b.register(sandboxPlugin, { store: a.store, hub: { boxUrl: () => '', tokenUrl: () => '', clientId: '', clientSecret: '' }, accessKeyId: KEY.id, accessKeySecret: KEY.secret, consoleToken: TEST_CONSOLE_TOKEN, tokenTtlMs: 60_000, brandId: 1, channels: [CHANNEL], prefix: '/sandbox' })
  t.teardown(() => b.close())
  const res = await b.inject({ method: 'GET', url: '/sandbox/dfo/3.0/channels', headers: { authorization: `Bearer ${a.token}` } })
  t.equal(res.statusCode, 200)
  t.equal(res.json().length, 1, 'seeding twice does not duplicate the channel')
})
