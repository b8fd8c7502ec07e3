import t from 'tap'
import { createHmac } from 'node:crypto'
import { startHub, http, CLIENT } from '../helper.js'
import { testDir } from '../test-dir.js'

const recorder = { channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: {} }] }
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')

t.test('token endpoint (M1)', async t => {
  const hub = await startHub(t, { ...recorder, auth: { clients: [CLIENT, { clientId: 'tenant-2', clientSecret: 'second-secret-abcdefghijklmnop' }], tokenTtl: '1h' } }, { listen: false })
  const token = `${hub.box}/1.0/token`
  const outbound = `${hub.box}/1.0/channel/chat_recorder/recipients/validation`
  const probe = (tok: string) => http('POST', outbound, { endUserRecipients: [{ idOnExternalPlatform: 'nobody' }] }, { authorization: `Bearer ${tok}` })

  t.test('issues a bearer token for JSON client credentials', async t => {
    const res = await http('POST', token, { grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret })
    t.equal(res.status, 200)
    t.equal(res.body.token_type, 'Bearer')
    t.equal(res.body.expires_in, 3600)
    t.equal(res.headers['cache-control'], 'no-store')
    t.equal((await probe(res.body.access_token)).status, 400, 'token accepted by a bearer route (400 = recipient unknown)')
  })

  t.test('accepts form bodies and HTTP Basic, and a second client', async t => {
    const form = await http('POST', token, `grant_type=client_credentials&client_id=${CLIENT.clientId}&client_secret=${CLIENT.clientSecret}`, { 'content-type': 'application/x-www-form-urlencoded' })
    t.equal(form.status, 200)
    const basic = await http('POST', token, 'grant_type=client_credentials', {
      'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('tenant-2:second-secret-abcdefghijklmnop').toString('base64')}`
    })
    t.equal(basic.status, 200)
  })

  t.test('refuses a wrong secret with invalid_client (401)', async t => {
    const res = await http('POST', token, { grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: 'wrong' })
    t.equal(res.status, 401)
    t.equal(res.body.error, 'invalid_client')
  })

  t.test('refuses a wrong grant with unsupported_grant_type (400)', async t => {
    const res = await http('POST', token, { grant_type: 'password', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret })
    t.equal(res.status, 400)
    t.equal(res.body.error, 'unsupported_grant_type')
  })

  t.test('refuses missing credentials with invalid_request (400)', async t => {
    const res = await http('POST', token, { grant_type: 'client_credentials' })
    t.equal(res.status, 400)
    t.equal(res.body.error, 'invalid_request')
  })

  t.test('bearer routes answer 401 (never 403) to missing, tampered, alg:none and expired tokens', async t => {
    const good = (await http('POST', token, { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret })).body.access_token as string
    const [h, p] = good.split('.')
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString())
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString())
    const tampered = `${h}.${b64({ ...payload, sub: 'someone-else' })}.${good.split('.')[2]}`
    const none = `${b64({ alg: 'none', typ: 'JWT', kid: header.kid })}.${b64(payload)}.`
    const [keyRow] = await hub.store.listSigningKeys()
    const sign = (hdr: object, body: object) => {
      const data = `${b64(hdr)}.${b64(body)}`
      return `${data}.${createHmac('sha256', keyRow!.secret).update(data).digest('base64url')}`
    }
    const expired = sign(header, { ...payload, exp: Math.floor(Date.now() / 1000) - 3600, iat: Math.floor(Date.now() / 1000) - 7200 })
    const wrongAudience = sign(header, { ...payload, aud: 'someone-else' })
    const noAuth = await http('POST', outbound, { endUserRecipients: [{ idOnExternalPlatform: 'x' }] })
    t.equal(noAuth.status, 401)
    t.equal(noAuth.body.error.code, 'BYOC_ERR_UNAUTHORIZED')
    t.match(String(noAuth.headers['www-authenticate']), /^Bearer/)
    for (const [name, tok] of [['tampered', tampered], ['alg none', none], ['expired', expired], ['wrong audience', wrongAudience], ['garbage', 'abc.def']] as const) {
      const res = await probe(tok)
      t.equal(res.status, 401, `${name} -> 401`)
      t.equal(res.body.error.code, 'BYOC_ERR_UNAUTHORIZED')
    }
    t.equal((await probe(sign(header, payload))).status, 400, 'a correctly signed copy still works (control)')
  })
})

t.test('configured signing keys rotate: the first signs, every key verifies', async t => {
  const oldKey = { kid: 'old', secret: 'o'.repeat(40) }
  const newKey = { kid: 'new', secret: 'n'.repeat(40) }
  const dir = testDir(t, {})
  const before = await startHub(t, { ...recorder, auth: { clients: [CLIENT], signingKeys: [oldKey] } }, { dir, listen: false })
  const oldToken = (await http('POST', `${before.box}/1.0/token`, { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret })).body.access_token as string
  const after = await startHub(t, { ...recorder, auth: { clients: [CLIENT], signingKeys: [newKey, oldKey] } }, { dir: testDir(t, {}), listen: false })
  const newToken = (await http('POST', `${after.box}/1.0/token`, { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret })).body.access_token as string
  t.equal(JSON.parse(Buffer.from(newToken.split('.')[0]!, 'base64url').toString()).kid, 'new')
  for (const tok of [oldToken, newToken]) {
    const res = await http('POST', `${after.box}/1.0/channel/chat_recorder/recipients/validation`, { endUserRecipients: [{ idOnExternalPlatform: 'x' }] }, { authorization: `Bearer ${tok}` })
    t.equal(res.status, 400, 'verified (then refused for the unknown recipient)')
  }
})

t.test('a client bound to some channels sees the others as unknown', async t => {
  const channels = [
    { id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: {} },
    { id: 'other', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_other', config: {} }
  ]
  const tenantA = { clientId: 'tenant-a', clientSecret: 'tenant-a-secret-0123456789abcdef', channels: ['recorder'] }
  const hub = await startHub(t, { channels, auth: { clients: [CLIENT, tenantA] } }, { listen: false })
  const tokenA = (await http('POST', `${hub.box}/1.0/token`, { client_id: tenantA.clientId, client_secret: tenantA.clientSecret })).body.access_token as string
  const inbound = await http('POST', `${hub.url}/channels/other/inbound`, { customerId: 'okapi', messageId: 'o-1', text: 'hi' })
  const otherThread = inbound.body.messages[0].threadId
  const outbound = (channel: string, tok: string) => http('POST', `${hub.box}/2.0/channel/${channel}/outbound`, {
    messageContent: { type: 'TEXT', payload: { text: 'hello' } }, endUserRecipients: [{ idOnExternalPlatform: 'okapi' }]
  }, { authorization: `Bearer ${tok}` })
  t.equal((await outbound('chat_recorder', tokenA)).status, 200, 'its own channel')
  const refused = await outbound('chat_other', tokenA)
  t.equal(refused.status, 404, 'another channel is unknown to it')
  t.equal(refused.body.error.code, 'BYOC_ERR_CHANNEL_UNKNOWN')
  const legacy = await http('POST', `${hub.box}/1.0/posts/${otherThread}/messages`, { messageContent: { type: 'TEXT', payload: { text: 'x' } } }, { authorization: `Bearer ${tokenA}` })
  t.equal(legacy.status, 404, 'a thread of another channel is unknown to it')
  const tokenAll = (await http('POST', `${hub.box}/1.0/token`, { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret })).body.access_token as string
  t.equal((await outbound('chat_other', tokenAll)).status, 200, 'an unbound client may use every channel')
})
