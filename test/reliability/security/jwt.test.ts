import t from 'tap'
import Fastify from 'fastify'
import { http, cxoneToken, startHub, eventually } from '../../helper.js'
import { startRig } from '../harness/rig.js'
import { craftJwt, claims } from '../harness/jwt.js'
import { testDir } from '../../test-dir.js'

const K1 = { kid: 'k1', secret: 'k1-secret-0123456789abcdef0123456789' }
const K2 = { kid: 'k2', secret: 'k2-secret-0123456789abcdef0123456789' }
const text = (s: string) => ({ type: 'TEXT', payload: { text: s } })

t.test('S-13: every forged or broken token is 401 invalid_token, and nothing goes out', async t => {
  // a JWKS the attacker hosts: a hub that followed jku/x5u would fetch it
  const jwks = Fastify()
  let jwksHits = 0
  jwks.get('/*', async () => { jwksHits++; return { keys: [] } })
  await jwks.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => jwks.close())
  const jwksUrl = `http://127.0.0.1:${(jwks.server.address() as { port: number }).port}/jwks.json`

  const rig = await startRig(t, { auth: { signingKeys: [K1], clockTolerance: '5s' } })
  await rig.send('zorilla', 'bola-seed')
  await eventually(async () => (await rig.hub.store.getMessage('recorder', 'bola-seed'))?.status === 'sent', 10_000, 'seed sent')
  const threadId = rig.accepted[0]!.threadId
  const now = Math.floor(Date.now() / 1000)
  const hs = { alg: 'HS256', typ: 'JWT', kid: 'k1' }
  const cases: Record<string, string> = {
    'alg none': craftJwt({ alg: 'none', typ: 'JWT', kid: 'k1' }, claims()),
    'alg NoNe': craftJwt({ alg: 'NoNe', kid: 'k1' }, claims()),
    'alg none with the right signature appended': craftJwt({ alg: 'none', kid: 'k1' }, claims()) + craftJwt(hs, claims(), { hs: K1.secret }).split('.')[2],
    'RS256 header (HS/RS confusion), signed by an attacker key': craftJwt({ alg: 'RS256', kid: 'k1' }, claims(), { rs: true }),
    'HS512 with the real secret (algorithm not pinned?)': craftJwt({ alg: 'HS512', kid: 'k1' }, claims(), { hs: K1.secret }),
    'HS256 with a wrong secret': craftJwt(hs, claims(), { hs: 'not-the-secret-0123456789abcdef0123' }),
    'HS256 with the kid as the secret': craftJwt(hs, claims(), { hs: 'k1' }),
    'HS256 with an empty secret': craftJwt(hs, claims(), { hs: '' }),
    'unknown kid': craftJwt({ ...hs, kid: 'k9' }, claims(), { hs: K1.secret }),
    'kid path injection': craftJwt({ ...hs, kid: '../../../../dev/null' }, claims(), { hs: '' }),
    'kid SQL injection': craftJwt({ ...hs, kid: "k1' OR '1'='1" }, claims(), { hs: K1.secret }),
    'kid as an object': craftJwt({ ...hs, kid: { $ne: null } }, claims(), { hs: K1.secret }),
    'no kid': craftJwt({ alg: 'HS256' }, claims(), { hs: K1.secret }),
    'jku to an attacker JWKS': craftJwt({ ...hs, jku: jwksUrl }, claims(), { hs: 'attacker-0123456789abcdef0123456789' }),
    'x5u to an attacker cert': craftJwt({ ...hs, x5u: jwksUrl }, claims(), { hs: 'attacker-0123456789abcdef0123456789' }),
    'wrong aud': craftJwt(hs, claims({ aud: 'someone-else' }), { hs: K1.secret }),
    'wrong iss': craftJwt(hs, claims({ iss: 'evil' }), { hs: K1.secret }),
    'missing exp': craftJwt(hs, (({ exp: _e, ...c }) => c)(claims()), { hs: K1.secret }),
    'missing sub': craftJwt(hs, (({ sub: _s, ...c }) => c)(claims()), { hs: K1.secret }),
    'expired beyond skew': craftJwt(hs, claims({ exp: now - 60 }), { hs: K1.secret }),
    'nbf in the future beyond skew': craftJwt(hs, claims({ nbf: now + 60 }), { hs: K1.secret }),
    'exp as a string': craftJwt(hs, claims({ exp: 'never' }), { hs: K1.secret }),
    'tampered payload': (() => { const [h, , s] = craftJwt(hs, claims(), { hs: K1.secret }).split('.'); return `${h}.${Buffer.from(JSON.stringify(claims({ sub: 'admin' }))).toString('base64url')}.${s}` })(),
    'two segments': craftJwt(hs, claims(), { hs: K1.secret }).split('.').slice(0, 2).join('.'),
    garbage: 'not.a.jwt',
    empty: ''
  }
  for (const [name, token] of Object.entries(cases)) {
    for (const [route, body] of [
      ['/2.0/channel/chat_recorder/outbound', { thread: { idOnExternalPlatform: threadId }, messageContent: text(`forged: ${name}`) }],
      [`/1.0/posts/${threadId}/messages`, { messageContent: text(`forged: ${name}`) }]
    ] as const) {
      const res = await http('POST', `${rig.hub.box}${route}`, body, { authorization: `Bearer ${token}` })
      t.equal(res.status, 401, `${name} -> 401 on ${route.split('/')[2]}`)
      t.match(String(res.headers['www-authenticate']), /error="invalid_token"/)
    }
  }
  const alt = await http('POST', `${rig.hub.box}/2.0/channel/chat_recorder/outbound`, { thread: { idOnExternalPlatform: threadId }, messageContent: text('no scheme') }, { authorization: craftJwt(hs, claims(), { hs: K1.secret }) })
  t.equal(alt.status, 401, 'a token without the Bearer scheme')
  const good = await http('POST', `${rig.hub.box}/2.0/channel/chat_recorder/outbound`, { thread: { idOnExternalPlatform: threadId }, messageContent: text('the real one') }, { authorization: `Bearer ${craftJwt(hs, claims(), { hs: K1.secret })}` })
  t.equal(good.status, 200, 'control: a correctly signed token passes')
  await eventually(() => rig.platform.deliveries.length >= 1, 10_000, 'control delivered')
  t.same(rig.platform.deliveries.map(d => d.text), ['the real one'], 'no forged message reached the platform')
  t.equal((await rig.hub.store.listThreads({})).length, 1, 'no thread opened by a forged call')
  t.equal(jwksHits, 0, 'jku/x5u never fetched')
  t.comment(`S-13: forged tokens tried=${Object.keys(cases).length * 2 + 1} accepted=0 outbound=0 jwksFetches=${jwksHits}`)
})

t.test('S-14: clock skew inside the tolerance passes, beyond it fails', async t => {
  const hub = await startHub(t, { auth: { signingKeys: [K1], clockTolerance: '30s' } })
  const now = Math.floor(Date.now() / 1000)
  const hs = { alg: 'HS256', kid: 'k1' }
  const probe = (c: Record<string, unknown>) => http('POST', `${hub.box}/1.0/channel/chat_watering-hole/recipients/validation`, { endUserRecipients: [{ idOnExternalPlatform: 'x' }] }, { authorization: `Bearer ${craftJwt(hs, claims(c, now), { hs: K1.secret })}` })
  t.not((await probe({ exp: now - 20 })).status, 401, 'exp 20 s ago: accepted')
  t.not((await probe({ nbf: now + 20, iat: now + 20 })).status, 401, 'nbf/iat 20 s ahead: accepted')
  t.equal((await probe({ exp: now - 90 })).status, 401, 'exp 90 s ago: rejected')
  t.equal((await probe({ nbf: now + 90 })).status, 401, 'nbf 90 s ahead: rejected')
})

t.test('S-15: key rotation: outstanding tokens keep working, new ones carry the new kid, a retired key is refused', async t => {
  const dir = testDir(t, {})
  const before = await startHub(t, { auth: { signingKeys: [K1] } }, { dir })
  // 100 outstanding tokens signed with the old key at different times (the token route allows 60/min per client)
  const now = Math.floor(Date.now() / 1000)
  const outstanding = [await cxoneToken(before), ...Array.from({ length: 99 }, (_, i) => craftJwt({ alg: 'HS256', typ: 'JWT', kid: 'k1' }, claims({ iat: now - i }, now), { hs: K1.secret }))]
  const rotated = await startHub(t, { auth: { signingKeys: [K2, K1] } })
  const call = (hub: { box: string }, token: string) => http('POST', `${hub.box}/1.0/channel/chat_watering-hole/recipients/validation`, { endUserRecipients: [{ idOnExternalPlatform: 'x' }] }, { authorization: `Bearer ${token}` })
  const results = await Promise.all(outstanding.map(tok => call(rotated, tok)))
  t.equal(results.filter(r => r.status === 401).length, 0, 'all 100 old tokens still verify during the grace')
  const fresh = await cxoneToken(rotated)
  t.equal(JSON.parse(Buffer.from(fresh.split('.')[0]!, 'base64url').toString()).kid, 'k2', 'new tokens are signed with the new key')
  const retired = await startHub(t, { auth: { signingKeys: [K2] } })
  t.equal((await call(retired, outstanding[0]!)).status, 401, 'after the grace the old key is refused')
  t.not((await call(retired, fresh)).status, 401, 'the new key still works')
})
