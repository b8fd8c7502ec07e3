import t, { type Test } from 'tap'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { SqliteStore } from '../../core/store/sqlite.js'
import { RedisStore } from '../../core/store/redis.js'
import type { Store } from '../../core/store/types.js'
import { redisUrl } from './redis-server.js'

/** moveDueTimersToJobs: due timers become leased jobs atomically, once, with their payload intact. */
async function suite (t: Test, open: () => Promise<Store>) {
  const a = await open()
  const b = await open()
  t.teardown(async () => { await a.close(); await b.close() })
  const dueAt = 1_795_686_501_063 // large integer: must survive the trip exactly
  for (let i = 0; i < 30; i++) await a.setTimer({ key: `idle:t${i}`, kind: 'idle-warning', dueAt: dueAt + i, payload: { channelId: 'c', threadId: `t${i}`, setAt: 1 } })
  await a.setTimer({ key: 'idle:later', kind: 'idle-warning', dueAt: dueAt + 10_000, payload: {} })
  const [na, nb] = await Promise.all([a.moveDueTimersToJobs(dueAt + 100, 1000), b.moveDueTimersToJobs(dueAt + 100, 1000)])
  t.equal(na + nb, 30, 'each due timer moved once across two instances')
  t.equal(await a.countTimers(), 1, 'the future timer stays')
  const jobs = await a.claimJobs('w', 100, 1000, dueAt + 100)
  t.equal(jobs.length, 30)
  const first = jobs.find(j => (j.payload as any).key === 'idle:t0')!
  t.equal(first.kind, 'timer.fire')
  t.same((first.payload as any).timer, { kind: 'idle-warning', dueAt, payload: { channelId: 'c', threadId: 't0', setAt: 1 } })
  t.equal(await a.moveDueTimersToJobs(dueAt + 100, 1000), 0, 'nothing left to move')
}

t.test('sqlite', async t => {
  const dir = t.testdir({})
  await suite(t, async () => new SqliteStore(join(dir, 's.db')))
})

t.test('redis', async t => {
  const url = await redisUrl()
  const prefix = `test:${randomUUID()}:`
  await suite(t, async () => RedisStore.connect(url, prefix))
  t.teardown(async () => {
    const r = await RedisStore.connect(url, prefix)
    const keys = await r.redis.keys(`*${prefix}*`)
    if (keys.length) await r.redis.del(...keys)
    await r.close()
  })
})

/** countOpenThreads: an index count that follows opens and closes. */
async function countSuite (t: Test, store: Store) {
  t.teardown(() => store.close())
  t.equal(await store.countOpenThreads('c1'), 0)
  for (const u of ['a', 'b', 'c']) await store.openThread('c1', u, `th-${u}`)
  await store.openThread('c2', 'a', 'th-c2-a')
  t.equal(await store.countOpenThreads('c1'), 3)
  await store.closeThread('c1', 'th-b', 'agent')
  t.equal(await store.countOpenThreads('c1'), 2)
  t.equal(await store.countOpenThreads('c2'), 1)
}

t.test('countOpenThreads on sqlite', async t => countSuite(t, new SqliteStore(join(t.testdir({}), 'c.db'))))

t.test('countOpenThreads on redis', async t => {
  const url = await redisUrl()
  const prefix = `test:${randomUUID()}:`
  const store = await RedisStore.connect(url, prefix)
  t.teardown(async () => {
    const r = await RedisStore.connect(url, prefix)
    const keys = await r.redis.keys(`*${prefix}*`)
    if (keys.length) await r.redis.del(...keys)
    await r.close()
  })
  await countSuite(t, store)
})
