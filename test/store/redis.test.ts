import t from 'tap'
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { RedisStore } from '../../core/store/redis.js'
import { runSharedStoreConformance, runStoreConformance } from './conformance/index.js'
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
