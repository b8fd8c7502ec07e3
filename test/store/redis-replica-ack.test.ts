import t, { type Test } from 'tap'
import { Redis } from 'ioredis'
import { RedisStore } from '../../core/store/redis.js'
import { eventually, http, startHub } from '../helper.js'
import { ownRedis, type OwnRedis } from '../ha/own-redis.js'
import { replicaLink } from '../ha/sentinel-rig.js'
import { concurrently, newMessage, uid } from './conformance/kit.js'
import { testDir } from '../test-dir.js'

/** A primary with one replica of the test's own, in sync. */
async function primaryWithReplica (t: Test): Promise<{ primary: OwnRedis, replica: OwnRedis }> {
  const dir = testDir(t, { primary: {}, replica: {} })
  const primary = await ownRedis(t, `${dir}/primary`)
  const replica = await ownRedis(t, `${dir}/replica`, { replicaOf: primary.port })
  await eventually(async () => (await replicaLink(replica.url)) === 'up', 15_000, 'replica in sync')
  return { primary, replica }
}

async function waitCalls (url: string): Promise<number> {
  const r = new Redis(url)
  try {
    return Number(/cmdstat_wait:calls=(\d+)/.exec(await r.info('commandstats'))?.[1] ?? 0)
  } finally {
    r.disconnect()
  }
}

t.test('ackReplicas 1: inserts return once the replica has them; the replica holds each one', async t => {
  const { primary, replica } = await primaryWithReplica(t)
  const store = await RedisStore.connect(primary.url, 'ack:', { ackReplicas: 1 })
  t.teardown(() => store.close())
  const { thread } = await store.openThread('ch-1', 'cust-1', uid('th'))
  const ids = Array.from({ length: 40 }, () => uid('m'))
  const results = await concurrently(ids.length, i => store.insertMessage(newMessage(thread.threadId, ids[i]!), { kind: 'cxone.send', orderKey: thread.threadId, payload: {} }))
  t.ok(results.every(r => r.created), 'all 40 confirmed')
  const onReplica = new Redis(replica.url)
  t.teardown(() => onReplica.disconnect())
  const present = await Promise.all(ids.map(async id => onReplica.exists(`{ack:}m:${JSON.stringify(['ch-1', id])}`)))
  t.same(present.filter(n => n !== 1).length, 0, 'each confirmed message is on the replica the moment it is confirmed')
  t.comment(`group commit: ${await waitCalls(primary.url)} WAIT calls for 40 concurrent inserts`)

  // the price in normal operation, printed (not asserted: other tests share the CPU)
  const plain = await RedisStore.connect(primary.url, 'ack:')
  t.teardown(() => plain.close())
  const timing = async (s: RedisStore): Promise<string> => {
    const ms: number[] = []
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now()
      await s.insertMessage(newMessage(thread.threadId, uid('lat')))
      ms.push(performance.now() - t0)
    }
    ms.sort((a, b) => a - b)
    return `p50 ${ms[100]!.toFixed(2)} ms, p99 ${ms[197]!.toFixed(2)} ms`
  }
  t.comment(`one insert at a time: ackReplicas 0 ${await timing(plain)}; ackReplicas 1 ${await timing(store)}`)
})

t.test('too few replicas: the write is answered 503 BYOC_ERR_STORE_UNAVAILABLE, and its retry is deduplicated', async t => {
  const { primary, replica } = await primaryWithReplica(t)
  const store = await RedisStore.connect(primary.url, 'ack:', { ackReplicas: 1 })
  t.teardown(() => store.close())
  const { thread } = await store.openThread('ch-1', 'cust-1', uid('th'))
  await replica.kill()
  const id = uid('m')
  const err = await store.insertMessage(newMessage(thread.threadId, id)).then(() => undefined, (e: unknown) => e) as { code?: string, statusCode?: number } | undefined
  t.equal(err?.code, 'BYOC_ERR_STORE_UNAVAILABLE', 'refused with the store code')
  t.equal(err?.statusCode, 503, 'as a 503: the sender retries')
  const two = await RedisStore.connect(primary.url, 'ack:', { ackReplicas: 2 })
  t.teardown(() => two.close())
  await replica.start()
  await eventually(async () => (await replicaLink(replica.url)) === 'up', 15_000, 'replica back in sync')
  const again = await store.insertMessage(newMessage(thread.threadId, id))
  t.equal(again.created, false, 'the retry finds the message (one copy), and is confirmed now')
  await t.rejects(two.insertMessage(newMessage(thread.threadId, uid('m'))), { code: 'BYOC_ERR_STORE_UNAVAILABLE' }, 'asking for 2 replicas of 1 never confirms')
})

t.test('over HTTP: an inbound message the replica did not confirm is answered 503 with the store code, never 500', async t => {
  const dir = testDir(t, { redis: {} })
  const lone = await ownRedis(t, `${dir}/redis`) // a primary without a replica
  const store = await RedisStore.connect(lone.url, 'ack-http:', { ackReplicas: 1 })
  t.teardown(() => store.close())
  const hub = await startHub(t, {
    channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: { deliverUrl: 'http://127.0.0.1:9/' } }]
  }, { store, dir })
  const res = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'c-1', messageId: 'm-1', text: 'hello' })
  t.equal(res.status, 503, 'refused with 503')
  t.equal(res.body.error.code, 'BYOC_ERR_STORE_UNAVAILABLE', 'with the store code')
})
