import t from 'tap'
import { randomBytes } from 'node:crypto'
import { CLIENT, eventually, http } from '../helper.js'
import { freePort, spawnHub, writeHubConfig, type HubProcess } from '../process/spawn-hub.js'
import { hubConfig } from './cluster.js'
import { ownRedis } from './own-redis.js'
import { testDir } from '../test-dir.js'

// a second CXone client (a second tenant) behind the same address as the first: loopback, like one NAT egress
const OTHER = { clientId: 'cxone-other-tenant', clientSecret: 'other-secret-0123456789abcdef-0123456789' }
const API_MAX = 10 // server.rateLimit.max: CXone API calls per client per window (10 min: no slow machine outlives it mid-test)
const TOKEN_MAX = 60 // the token route's own limit, a fixed 1 min window (core/byoc-routes/token.ts): its 71 calls take a second or two
const NOWHERE = 'http://127.0.0.1:9' // CXone and the platform: this test sends nothing out that must arrive

const box = (hub: HubProcess): string => `${hub.url}/integration/box`
const token = (hub: HubProcess, creds: { clientId: string, clientSecret: string }) =>
  http('POST', `${box(hub)}/1.0/token`, { grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret })
/** M4 recipient validation of a known customer: 200, and changes nothing */
const validate = (hub: HubProcess, bearer: string) => http('POST', `${box(hub)}/1.0/channel/chat_recorder/recipients/validation`,
  { endUserRecipients: [{ idOnExternalPlatform: 'known-customer' }] }, { authorization: `Bearer ${bearer}` })

/** The readiness store check alone (CXone is nowhere here, so the hub as a whole is never ready). */
const storeCheck = async (hub: HubProcess): Promise<string> => (await http('GET', `${hub.url}/health/ready`)).body?.checks?.store

/** Status counts, and every 429 checked for a Retry-After and the hub's code. */
function tallyAnswers (answers: Array<{ status: number, body: any, headers: Record<string, unknown> }>): { counts: Record<number, number>, bad429: number } { // intentional any: response JSON
  const counts: Record<number, number> = {}
  let bad429 = 0
  for (const a of answers) {
    counts[a.status] = (counts[a.status] ?? 0) + 1
    const retryAfter = Number(a.headers['retry-after'])
    if (a.status === 429 && !(retryAfter > 0 && a.body?.error?.code === 'BYOC_ERR_RATE_LIMITED')) bad429++
  }
  return { counts, bad429 }
}

t.test('S-16: a per-client rate limit holds across two instances; with Redis down the token route fails closed and ingress answers 503', async t => {
  const dir = testDir(t, { redis: {} })
  const redis = await ownRedis(t, `${dir}/redis`)
  const prefix = `byoc-s16-${randomBytes(4).toString('hex')}:`
  const hubs: HubProcess[] = []
  t.teardown(() => Promise.all(hubs.map(h => h.kill())))
  for (let i = 0; i < 2; i++) {
    const port = await freePort()
    const base = hubConfig(port, prefix, { redisUrl: redis.url, sandboxUrl: NOWHERE, deliverUrl: NOWHERE })
    const config = { ...base, server: { host: '127.0.0.1', port, rateLimit: { max: API_MAX, window: '10m' } }, auth: { clients: [CLIENT, OTHER] } }
    hubs.push(await spawnHub(writeHubConfig(dir, `hub-${i}`, config), port))
  }
  const [a, b] = hubs as [HubProcess, HubProcess]
  const alternate = (i: number): HubProcess => hubs[i % 2]!
  const seed = await http('POST', `${a.url}/channels/recorder/inbound`, { customerId: 'known-customer', messageId: 's16-seed', text: 'hello' })
  t.equal(seed.status, 202, 'a known customer for M4')
  // each client's first token, taken before any limit is reached (it counts toward A's 60)
  const bearerA = (await token(a, CLIENT)).body.access_token as string
  const bearerB = (await token(b, OTHER)).body.access_token as string
  t.ok(bearerA && bearerB, 'both clients hold a token')

  await t.test('tokens: client A gets exactly 60 a window across both instances; client B, same address, is unaffected', async t => {
    // sequential, alternating: each instance alone sees 35 of A's 70 calls, under 60, so only a shared count stops A
    const answers = []
    for (let i = 0; i < TOKEN_MAX + 10; i++) answers.push(await token(alternate(i), CLIENT))
    const { counts, bad429 } = tallyAnswers(answers)
    t.same(counts, { 200: TOKEN_MAX - 1, 429: 11 }, `client A's next 70 after its first: ${JSON.stringify(counts)}`)
    t.equal(bad429, 0, 'every 429 carries Retry-After and BYOC_ERR_RATE_LIMITED')
    t.same([(await token(a, OTHER)).status, (await token(b, OTHER)).status], [200, 200], 'client B still gets tokens on both instances')
  })

  await t.test('CXone API: client A gets exactly 10 calls a window across both instances; client B is unaffected', async t => {
    const answers = []
    for (let i = 0; i < 3 * API_MAX; i++) answers.push(await validate(alternate(i), bearerA))
    const { counts, bad429 } = tallyAnswers(answers)
    t.same(counts, { 200: API_MAX, 429: 2 * API_MAX }, `30 calls, 15 per instance: ${JSON.stringify(counts)}`)
    t.equal(bad429, 0, 'every 429 carries Retry-After and BYOC_ERR_RATE_LIMITED')
    const others = []
    for (let i = 0; i < API_MAX; i++) others.push((await validate(alternate(i), bearerB)).status)
    t.same(others, Array(API_MAX).fill(200), 'client B: its own 10, all answered')
  })

  await t.test('Redis down: no token is issued (fail closed), ingress answers 503, a route that needs no store still answers', async t => {
    await redis.kill()
    await eventually(async () => (await storeCheck(a)) === 'not ready' && (await storeCheck(b)) === 'not ready', 15_000, 'both instances see the store gone')
    const tokens = [await token(a, OTHER), await token(b, OTHER)]
    t.same(tokens.map(r => r.status), [503, 503], 'the token route refuses while it cannot count: never a free pass')
    t.ok(tokens.every(r => r.body?.error?.code === 'BYOC_ERR_STORE_UNAVAILABLE' && r.body.access_token === undefined), `no token in the answer (${JSON.stringify(tokens[0]!.body)})`)
    const inbound = [
      await http('POST', `${a.url}/channels/recorder/inbound`, { customerId: 'known-customer', messageId: 's16-down-1', text: 'are you there' }),
      await http('POST', `${b.url}/channels/recorder/inbound`, { customerId: 'known-customer', messageId: 's16-down-2', text: 'hello?' })
    ]
    t.same(inbound.map(r => [r.status, r.body?.error?.code]), [[503, 'BYOC_ERR_STORE_UNAVAILABLE'], [503, 'BYOC_ERR_STORE_UNAVAILABLE']], 'ingress: 503, nothing acked it could not keep')
    const api = await validate(a, bearerB)
    t.equal(api.status, 503, 'a CXone call that reads the store: 503, not 500')
    // fail open elsewhere: the limiter does not stand between a caller and a route that needs no store
    t.equal((await http('GET', `${b.url}/openapi.json`)).status, 200, 'the API document is still served')

    await redis.start()
    await eventually(async () => (await storeCheck(a)) === 'ok' && (await storeCheck(b)) === 'ok', 30_000, 'both reach the store again')
    t.equal((await token(a, OTHER)).status, 200, 'tokens again')
    t.equal((await http('POST', `${b.url}/channels/recorder/inbound`, { customerId: 'known-customer', messageId: 's16-after', text: 'back' })).status, 202, 'ingress accepts again')
  })
})
