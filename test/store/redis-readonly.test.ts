import t from 'tap'
import { Redis } from 'ioredis'
import { eventually, http } from '../helper.js'
import { ownRedis } from '../ha/own-redis.js'
import { redisHub } from '../reliability/harness/redis-hub.js'
import { testDir } from '../test-dir.js'

t.test('a demoted primary (writes refused with READONLY) answers 503 BYOC_ERR_STORE_UNAVAILABLE, never 500', async t => {
  const dir = testDir(t, { redis: {}, other: {} })
  const redis = await ownRedis(t, `${dir}/redis`)
  const other = await ownRedis(t, `${dir}/other`)
  const { hub } = await redisHub(t, redis.url, 'readonly:', dir)
  const post = async (id: string) => http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'c-1', messageId: id, text: id })
  t.equal((await post('m-1')).status, 202, 'accepted while it is the primary')

  // what a failover does to the old primary once it is back: it becomes a replica and refuses writes
  const admin = new Redis(redis.url)
  t.teardown(() => admin.disconnect())
  await admin.replicaof('127.0.0.1', other.port)
  await eventually(async () => /role:slave/.test(await admin.info('replication')), 10_000, 'demoted')
  const refused = await post('m-2')
  t.equal(refused.status, 503, 'refused with 503: the platform retries')
  t.equal(refused.body.error.code, 'BYOC_ERR_STORE_UNAVAILABLE', 'with the store code, not an internal error')
})
