import t, { type Test } from 'tap'
import { CLIENT, eventually, http } from '../../helper.js'
import { ownRedis } from '../../ha/own-redis.js'
import { redisHub } from '../harness/redis-hub.js'
import { testDir } from '../../test-dir.js'

const CUSTOMERS = 6

/**
 * F-6: kill -9 Redis under traffic, restart it from the same AOF, and count the acked (202) messages that never
 * reach CXone. Returns the figures; the caller decides what each fsync mode must guarantee.
 */
async function crashUnderTraffic (t: Test, appendfsync: 'always' | 'everysec'): Promise<{ acked: number, lost: string[], outage: Map<string, number>, token: number | undefined }> {
  const dir = testDir(t, { redis: {} })
  const redis = await ownRedis(t, `${dir}/redis`, { appendfsync })
  const { store, cxone, hub } = await redisHub(t, redis.url, 'f6:', dir)
  store.setConnectionLog({ warn: () => {}, info: () => {} }) // the outage is the point

  // each message is posted once: "acked" means a 202 for that very post
  const acked: string[] = []
  let down = false
  const outage = new Map<string, number>()
  let stop = false
  t.teardown(() => { stop = true })
  const traffic = Array.from({ length: CUSTOMERS }, async (_, i) => {
    for (let n = 0; !stop; n++) {
      const id = `f6-${i}-${n}`
      const during = down
      const res = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: `crash-${i}`, messageId: id, text: id }).catch(() => undefined)
      if (res?.status === 202) acked.push(id)
      if (during) outage.set(String(res?.status), (outage.get(String(res?.status)) ?? 0) + 1)
    }
  })
  await eventually(() => acked.length >= 100, 60_000, 'traffic before the crash')
  await redis.kill() // SIGKILL while writes are in flight
  down = true
  await eventually(() => [...outage.values()].reduce((a, b) => a + b, 0) >= 20, 30_000, 'posts during the outage')
  // the rate limiter while its Redis is gone: the token route is limited too, and must answer by its policy, not hang
  const token = await http('POST', `${hub.box}/1.0/token`, { grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret })
    .then(r => r.status, () => undefined)
  stop = true
  await Promise.all(traffic)

  await redis.start()
  await eventually(async () => (await http('GET', `${hub.url}/health/ready`)).status === 200, 60_000, 'ready again')
  await eventually(async () => (await store.outboxStats()).pending === 0, 60_000, 'drained')
  const delivered = new Set(cxone.creates().filter(c => c.status < 300).map(c => c.key))
  return { acked: acked.length, lost: acked.filter(id => !delivered.has(id)), outage, token }
}

for (const appendfsync of ['always', 'everysec'] as const) {
  t.test(`F-6 appendfsync ${appendfsync}: kill -9 Redis under traffic, restart from the same AOF, count acked messages lost`, async t => {
    const run = await crashUnderTraffic(t, appendfsync)
    const statuses = [...run.outage.keys()]
    t.ok(statuses.every(s => s === '503' || s === '202'), `during the outage only 503 (or a 202 that beat the kill): ${[...run.outage].map(([s, n]) => `${s}×${n}`).join(' ')}`)
    t.ok(run.token === 200 || run.token === 503 || run.token === 429, `the rate-limited token route answers by its policy while Redis is gone (got ${run.token})`)
    if (appendfsync === 'always') t.same(run.lost, [], 'always: no acked message lost')
    // everysec may legitimately lose nothing here: kill -9 kills the process, not the machine, and Redis has
    // already write()n the AOF to the kernel's page cache before it answers; only a power or kernel failure
    // within the second before the next fsync loses those writes
    t.comment(`F-6 ${appendfsync}: lost ${run.lost.length} of ${run.acked} acked (rate-limited token route during the outage: ${run.token})`)
  })
}
