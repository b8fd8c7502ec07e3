import t from 'tap'
import { VerifiedTokens } from '../../core/auth/verified-tokens.js'
import { CLIENT, http, startHub } from '../helper.js'
import { claims, craftJwt } from '../reliability/harness/jwt.js'

t.test('a remembered header lasts until its token expires, and at most maxAge', async t => {
  let now = 1_000_000_000_000
  const cache = new VerifiedTokens<{ sub: string, exp?: unknown }>(10, 60_000, () => now)
  const exp = now / 1000 + 30
  cache.remember('Bearer a', { sub: 'x', exp })
  t.same(cache.get('Bearer a'), { sub: 'x', exp }, 'remembered')
  t.equal(cache.get('Bearer a '), undefined, 'only the exact header')
  now += 29_999
  t.ok(cache.get('Bearer a'), 'still valid a millisecond before exp')
  now += 1
  t.equal(cache.get('Bearer a'), undefined, 'at exp it is gone: verified in full again')
  cache.remember('Bearer b', { sub: 'y', exp: now / 1000 + 3600 })
  now += 60_000
  t.equal(cache.get('Bearer b'), undefined, 'a long-lived token is re-verified after maxAge')
  cache.remember('Bearer c', { sub: 'z' })
  t.equal(cache.get('Bearer c'), undefined, 'no exp: never remembered')
  cache.remember('Bearer d', { sub: 'z', exp: now / 1000 - 1 })
  t.equal(cache.get('Bearer d'), undefined, 'already expired (inside the clock tolerance): never remembered')
})

t.test('bounded: the oldest entry makes room', async t => {
  const now = 1_000_000_000_000
  const cache = new VerifiedTokens<{ exp?: unknown }>(3, 60_000, () => now)
  for (const h of ['a', 'b', 'c', 'd']) cache.remember(h, { exp: now / 1000 + 30 })
  t.equal(cache.size, 3)
  t.equal(cache.get('a'), undefined, 'the oldest went')
  t.ok(cache.get('d'))
})

t.test('through the hub: a token accepted (and remembered) is refused once it expires', async t => {
  const K1 = { kid: 'k1', secret: 'verified-tokens-test-key-0123456789abcdef' }
  const hub = await startHub(t, { auth: { clients: [CLIENT], signingKeys: [K1], clockTolerance: '0s' } })
  const now = Math.floor(Date.now() / 1000)
  const token = craftJwt({ alg: 'HS256', kid: 'k1' }, claims({ exp: now + 4 }, now), { hs: K1.secret })
  const probe = () => http('POST', `${hub.box}/1.0/channel/chat_watering-hole/recipients/validation`, { endUserRecipients: [{ idOnExternalPlatform: 'x' }] }, { authorization: `Bearer ${token}` })
  t.not((await probe()).status, 401, 'valid: accepted')
  t.not((await probe()).status, 401, 'again (from the cache)')
  const forged = craftJwt({ alg: 'HS256', kid: 'k1' }, claims({ exp: now + 4 }, now), { hs: 'another-key-0123456789abcdef-0123456789' })
  t.equal((await http('POST', `${hub.box}/1.0/channel/chat_watering-hole/recipients/validation`, { endUserRecipients: [{ idOnExternalPlatform: 'x' }] }, { authorization: `Bearer ${forged}` })).status, 401, 'same claims, wrong key: refused')
  await new Promise(resolve => setTimeout(resolve, (now + 5) * 1000 - Date.now()))
  t.equal((await probe()).status, 401, 'past exp: refused, cache or not')
})
