import t from 'tap'
import { randomBytes } from 'node:crypto'
import { CLIENT, cxoneToken, http } from '../../helper.js'
import { freePort, spawnHub, writeHubConfig, type HubProcess } from '../../process/spawn-hub.js'
import { liveHubConfig, passedAuth, probeBody, probePath } from '../harness/hub-config.js'
import { craftJwt, claims } from '../harness/jwt.js'
import { testDir } from '../../test-dir.js'

// the test plays the proxy in front of the hub (loopback, trusted): X-Forwarded-For names the caller's address
const server = { trustProxy: ['127.0.0.1'], rateLimit: { window: '10m' } } // a long window: the count cannot restart mid-test
const forged = () => craftJwt({ alg: 'HS256', kid: 'k-none' }, claims(), { hs: randomBytes(32).toString('hex') })
const probe = (hub: HubProcess, from: string, token: string) =>
  http('POST', `${hub.url}${probePath}`, probeBody, { authorization: `Bearer ${token}`, 'x-forwarded-for': from })

t.test('150 bad tokens from one address meet 429 with Retry-After; other addresses are unaffected', async t => {
  const dir = testDir(t, {})
  const port = await freePort()
  const hub = await spawnHub(writeHubConfig(dir, 'hub', liveHubConfig(port, dir, { server, auth: { clients: [CLIENT] } })), port)
  t.teardown(() => hub.kill())
  const good = await cxoneToken({ box: `${hub.url}/integration/box` })
  const statuses: number[] = []
  let retryAfter: unknown
  for (let i = 0; i < 150; i++) {
    const res = await probe(hub, '203.0.113.7', forged())
    statuses.push(res.status)
    if (res.status === 429) retryAfter ??= res.headers['retry-after']
  }
  t.same(statuses.slice(0, 100), Array(100).fill(401), 'the first 100 (server.rateLimit.authFailures) are verified and refused')
  t.same(statuses.slice(100), Array(50).fill(429), 'then every call from that address is refused before verification')
  t.ok(Number(retryAfter) > 0 && Number(retryAfter) <= 600, `Retry-After: ${retryAfter} s`)
  t.equal((await probe(hub, '203.0.113.7', good)).status, 429, 'even a valid token from the flooding address waits')
  t.ok(passedAuth(await probe(hub, '203.0.113.8', good)), 'another address is served')
  t.equal((await probe(hub, '203.0.113.9', forged())).status, 401, 'and another address\'s bad token is still just 401')
  const token = await http('POST', `${hub.url}/integration/box/1.0/token`, { grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret }, { 'x-forwarded-for': '203.0.113.7' })
  t.equal(token.status, 429, 'the token route refuses the flooding address too')
})

t.test('with Redis, instances count failures together', async t => {
  const dir = testDir(t, {})
  const keyPrefix = `byoc-flood-${randomBytes(4).toString('hex')}:`
  const store = { driver: 'redis', url: 'redis://127.0.0.1:6379', keyPrefix }
  const ports = [await freePort(), await freePort()]
  const hubs = await Promise.all(ports.map((port, i) => spawnHub(writeHubConfig(dir, `hub-${i}`, liveHubConfig(port, dir, { server, store, auth: { clients: [CLIENT] } })), port)))
  t.teardown(async () => {
    await Promise.all(hubs.map(h => h.kill()))
    const { Redis } = await import('ioredis')
    const redis = new Redis('redis://127.0.0.1:6379')
    const keys = await redis.keys(`*${keyPrefix}*`)
    if (keys.length) await redis.del(...keys)
    await redis.quit()
  })
  const statuses: number[] = []
  for (let i = 0; i < 150; i++) statuses.push((await probe(hubs[i % 2]!, '198.51.100.4', forged())).status)
  t.equal(statuses.filter(s => s === 401).length, 100, '100 failures in all, whichever instance saw them')
  t.same(statuses.slice(100), Array(50).fill(429), 'then both instances refuse the address')
})
