import t from 'tap'
import { fetch as undiciFetch, type RequestInit } from 'undici'
import { startFakeHub } from './fake-hub.js'
import { CONSOLE_AUTH, startSandboxApp, until } from './helper.js'

t.test('one-time tokens minted by the console verify once, for their brand and user', async t => {
  const fake = await startFakeHub(t)
  const sb = await startSandboxApp(t, { hub: fake.hub, brandId: 77 })
  const minted = await sb.app.inject({ headers: CONSOLE_AUTH, method: 'POST', url: '/sandbox/console/api/integrations/one-time-token' })
  t.equal(minted.statusCode, 200)
  const { token, links } = minted.json()
  const add = new URL(links.add)
  t.equal(add.origin + add.pathname, `${fake.hub.boxUrl()}/action/add`)
  t.equal(add.searchParams.get('token'), token)
  t.equal(add.searchParams.get('brandId'), '77')
  t.match(add.searchParams.get('apiHost'), /^http:\/\/.+\/sandbox$/)
  t.match(add.searchParams.get('backUrl'), /\/sandbox\/console\/$/)
  const userId = add.searchParams.get('userId')!
  t.match(links.reconnect, /\/action\/reconnect\?/)
  t.match(links.remove, /\/action\/remove\?/)

  const verify = (body: unknown) => sb.app.inject({ method: 'POST', url: '/sandbox/dfo/3.0/one-time-token/verification', payload: body as object })
  t.equal((await verify({ brandId: 77, userId: Number(userId), token: 'nope', purpose: 'channel-integration' })).statusCode, 401)
  t.equal((await verify({ brandId: 77, userId: Number(userId), purpose: 'channel-integration' })).statusCode, 400)
  const ok = await verify({ brandId: 77, userId: Number(userId), token, purpose: 'channel-integration' })
  t.equal(ok.statusCode, 200, ok.body)
  t.equal(ok.json().brand.id, 77)
  t.equal(ok.json().user.id, Number(userId))
  t.equal((await sb.dfo('GET', '/channels', undefined, ok.json().accessToken)).statusCode, 200, 'the returned accessToken works on DFO')
  t.equal((await verify({ brandId: 77, userId: Number(userId), token, purpose: 'channel-integration' })).statusCode, 401, 'second use fails')
})

t.test('one-time token for another user does not verify', async t => {
  const fake = await startFakeHub(t)
  const sb = await startSandboxApp(t, { hub: fake.hub })
  const { token } = (await sb.app.inject({ headers: CONSOLE_AUTH, method: 'POST', url: '/sandbox/console/api/integrations/one-time-token' })).json()
  const res = await sb.app.inject({ method: 'POST', url: '/sandbox/dfo/3.0/one-time-token/verification', payload: { brandId: 1001, userId: 1, token, purpose: 'channel-integration' } })
  t.equal(res.statusCode, 401)
})

t.test('integrations need the hub action URLs', async t => {
  const sb = await startSandboxApp(t)
  const res = await sb.app.inject({ headers: CONSOLE_AUTH, method: 'POST', url: '/sandbox/console/api/integrations/one-time-token' })
  t.equal(res.statusCode, 501)
  t.equal(res.json().error.code, 'BYOC_ERR_SANDBOX_NOT_CONFIGURED')
})

t.test('temporary attachments are served without a token at a signed URL that expires, like DFO\'s', async t => {
  const sb = await startSandboxApp(t, { attachmentUrlTtlMs: 1000 })
  const content = Buffer.from('hello file').toString('base64')
  // undici's fetch, through the sandbox's dispatcher: the links it signs are on the URL it was called at
  const fetch = (url: string, init: RequestInit = {}) => undiciFetch(url, { ...init, dispatcher: sb.dispatcher })
  const up = await fetch(`${sb.url}/dfo/3.0/attachments/temporary`, {
    method: 'POST', headers: { authorization: `Bearer ${sb.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ content, mimeType: 'text/plain' })
  })
  t.equal(up.status, 200)
  const { id, url, expireAt } = await up.json() as { id: string, url: string, expireAt: string }
  t.match(url, new RegExp(`^${sb.url}/dfo/3.0/attachments/${id}\\?expires=\\d+&signature=[\\w-]+$`))
  t.ok(id)
  t.ok(Date.parse(expireAt) > Date.now())
  const res = await fetch(url)
  t.equal(res.status, 200)
  t.match(res.headers.get('content-type'), /^text\/plain/)
  t.equal(await res.text(), 'hello file')
  t.match(res.headers.get('content-disposition'), /^attachment/, 'a download, never rendered on the hub\'s origin')
  t.equal(res.headers.get('x-content-type-options'), 'nosniff')
  t.equal((await sb.dfo('POST', '/attachments/temporary', { mimeType: 'text/plain' })).statusCode, 400)
  t.equal((await fetch(url.replace(id, 'nope'))).status, 403, 'the signature covers the id')
  t.equal((await fetch(url.replace(/expires=\d+/, 'expires=99999999999999'))).status, 403, 'and the expiry')
  const expired = await until(async () => { const r = await fetch(url); return r.status !== 200 && r }, 'the link to expire')
  t.equal(expired.status, 403)
  t.match(await expired.json(), { errors: [{ parameters: { errorCode: 'attachmentUrlExpired' } }] })
})

t.test('customer custom-field definitions upsert by ident', async t => {
  const sb = await startSandboxApp(t)
  t.equal((await sb.dfo('PUT', '/customers/custom-field-definitions', { ident: 'tier', label: 'Tier', type: 'list', values: ['a'] })).statusCode, 200)
  t.equal((await sb.dfo('PUT', '/customers/custom-field-definitions', { ident: 'tier', label: 'Level', type: 'text' })).statusCode, 200)
  t.equal((await sb.dfo('PUT', '/customers/custom-field-definitions', { ident: 'x', label: 'X', type: 'date' })).statusCode, 400)
  t.same((await sb.dfo('GET', '/customers/custom-field-definitions')).json(), [{ ident: 'tier', label: 'Level', type: 'text' }])
})
