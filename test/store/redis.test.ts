import t from 'tap'
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { RedisStore } from '../../core/store/redis.js'
import { runSharedStoreConformance, runStoreConformance } from './conformance/index.js'
import { privacyConformance } from './conformance/privacy.js'
import type { Store } from '../../core/store/types.js'
import { redisUrl, freshPrefix as freshRedisPrefix } from './redis-server.js'

const url = await redisUrl()
const admin = new Redis(url)
t.teardown(() => admin.quit())

const freshPrefix = (t: { teardown: (fn: () => Promise<void>) => void }): string => freshRedisPrefix(t, admin)

await runStoreConformance(t, 'redis', async t => RedisStore.connect(url, freshPrefix(t)))

await runSharedStoreConformance(t, 'redis, two instances on one prefix', async t => {
  const prefix = freshPrefix(t)
  return [await RedisStore.connect(url, prefix), await RedisStore.connect(url, prefix)]
})

/** Every key of the store's keyspace with its value, as text: the privacy suite greps it for an erased customer. */
async function keyspaceBytes (s: Store): Promise<string> {
  const keyspace = (s as RedisStore).keyspace
  const out: string[] = []
  for (const key of await admin.keys(keyspace.replace(/[*?[\]\\]/g, c => '\\' + c) + '*')) {
    const read: Record<string, () => Promise<unknown>> = {
      string: () => admin.get(key), hash: () => admin.hgetall(key), zset: () => admin.zrange(key, 0, -1, 'WITHSCORES'),
      set: () => admin.smembers(key), list: () => admin.lrange(key, 0, -1)
    }
    const type = await admin.type(key)
    const value = await (read[type] ?? (async () => `(${type})`))()
    out.push(key, JSON.stringify(value))
  }
  return out.join('\n')
}
t.test('privacy', async t => privacyConformance(t, async t => RedisStore.connect(url, freshPrefix(t)), keyspaceBytes))

t.test('teardown leaves no keys behind and prefixes isolate stores', async t => {
  const prefix = `byoc-test:${randomBytes(6).toString('hex')}:`
  const a = await RedisStore.connect(url, prefix)
  const b = await RedisStore.connect(url, prefix + 'other:')
  t.teardown(async () => { await a.close(); await b.close(); const keys = await admin.keys(`*${prefix}*`); if (keys.length) await admin.del(...keys) })
  await a.openThread('ch', 'c', 'th')
  t.equal(await b.getThread('ch', 'th'), undefined)
  t.ok((await admin.keys(`{${prefix}}*`)).length > 0, 'every key under the hash-tagged prefix')
  t.same(await admin.keys(`${prefix}*`), [], 'none under the bare prefix')
})

t.test('connect fails fast on an unreachable Redis', async t => {
  await t.rejects(RedisStore.connect('redis://127.0.0.1:1'))
})

t.test('a platform-lane key an instance from before the lane put in heads moves to heads:p and is claimed once', async t => {
  const s = await RedisStore.connect(url, freshPrefix(t))
  t.teardown(() => s.close())
  const P = s.keyspace
  const job = (await s.enqueue({ kind: 'platform.signal', orderKey: 'platform:ch:th', payload: 1 }))!
  // what the older refreshHead wrote: the key in 'heads' (and, in a mixed fleet, also in heads:p)
  await admin.zadd(`${P}heads`, job.runAt, 'platform:ch:th')
  const now = Date.now() + 10
  const first = await s.claimJobs('w', 10, 60_000, now)
  t.same(first.map(j => j.jobId), [job.jobId], 'claimed once, though the key was in both sets')
  t.same(await admin.zrange(`${P}heads`, 0, -1), [], 'the stale entry is gone from heads')
  t.same(await s.claimJobs('w', 10, 60_000, now + 1), [], 'the leased job is not claimed again')
  await admin.zrem(`${P}heads:p`, 'platform:ch:th')
  await admin.zadd(`${P}heads`, 0, 'platform:ch:th')
  t.same(await s.claimJobs('w2', 10, 60_000, now + 2), [], 'found only in heads: moved, not claimed, while its lease holds')
  t.equal(Number(await admin.zscore(`${P}heads:p`, 'platform:ch:th')), now + 60_000, 'scored by the lease in heads:p')
})
