import t, { type Test } from 'tap'
import { randomBytes } from 'node:crypto'
import Fastify from 'fastify'
import rateLimit from '@fastify/rate-limit'
import type { LiveEvent } from '../../core/plugin-api/types.js'
import { redisAuthFailures } from '../../core/auth/auth-failures.js'
import { RedisEventBus } from '../../core/live/redis-bus.js'
import { RedisStore } from '../../core/store/redis.js'
import { lazyCluster } from '../../core/store/redis-cluster.js'
import { eventually } from '../helper.js'
import { ownCluster } from '../ha/own-cluster.js'
import { runSharedStoreConformance, runStoreConformance } from './conformance/index.js'
import { testDir } from '../test-dir.js'

/*
 * The Redis store on a real Redis Cluster (3 masters, started by this file): the same conformance suites the single
 * Redis passes, then what else the hub asks of Redis (rate limiter, auth-failure counter, live bus). Each subtest
 * takes a fresh key prefix, so the suite's stores land on every master; the cluster dies at teardown.
 */

const cluster = await ownCluster(t, testDir(t, {}))
const target = { kind: 'cluster' as const, urls: cluster.urls }
const freshPrefix = (): string => `byoc-test:${randomBytes(6).toString('hex')}:`
const connect = (prefix = freshPrefix()): Promise<RedisStore> => RedisStore.connect(target, prefix)

await runStoreConformance(t, 'redis cluster', async () => connect())

await runSharedStoreConformance(t, 'redis cluster, two instances on one prefix', async () => {
  const prefix = freshPrefix()
  return [await connect(prefix), await connect(prefix)]
})

/** An admin connection to the whole cluster. */
async function admin (t: Test) {
  const c = lazyCluster(cluster.urls, {})
  await c.connect()
  t.teardown(() => c.quit())
  return c
}

t.test('one deployment\'s keys share one slot; deployments spread over the masters', async t => {
  const c = await admin(t)
  const prefixes = 'abcdefghijkl'.split('').map(x => `tenant-${x}:`) // fixed names: the same slots on every run
  const owners = new Set<string>()
  for (const prefix of prefixes) {
    const s = await connect(prefix)
    t.teardown(() => s.close())
    await s.openThread('ch', 'cu', 'th')
    await s.insertMessage({ messageId: 'm', threadId: 'th', channelId: 'ch', direction: 'inbound', text: 'x', attachments: [], createdAt: 1 }, { kind: 'deliver', orderKey: 'o', payload: {} })
    await s.setTimer({ key: 'tm', kind: 'idle', dueAt: 1, payload: {} })
    const holders: Array<{ node: string, keys: string[] }> = []
    for (const node of c.nodes('master')) {
      const keys = await node.keys(`{${prefix}}*`)
      if (keys.length > 0) holders.push({ node: `${node.options.host}:${node.options.port}`, keys })
    }
    t.equal(holders.length, 1, `${prefix}: every key on one master`)
    const slots = new Set(await Promise.all(holders[0].keys.map(k => c.call('CLUSTER', 'KEYSLOT', k))))
    t.equal(slots.size, 1, `${prefix}: ${holders[0].keys.length} keys, one slot`)
    owners.add(holders[0].node)
  }
  t.equal(owners.size, cluster.masters, 'twelve deployments use all three masters')
})

t.test('the rate limiter and the auth-failure counter count on the cluster', async t => {
  const store = await connect()
  t.teardown(() => store.close())
  const failures = redisAuthFailures(store.redis, store.keyspace, { max: 2, windowMs: 60_000, log: { debug: () => {} } as never })
  await failures.record('10.0.0.1')
  t.equal(await failures.blockedFor('10.0.0.1'), 0, 'one failure is not yet a flood')
  await failures.record('10.0.0.1')
  t.ok(await failures.blockedFor('10.0.0.1') > 0, 'two are')

  // the options app.ts gives @fastify/rate-limit
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(rateLimit, { max: 2, timeWindow: 60_000, redis: store.redis, nameSpace: `${store.keyspace}rl:`, skipOnError: false })
  app.get('/', async () => ({ ok: true }))
  const codes = []
  for (let i = 0; i < 3; i++) codes.push((await app.inject({ url: '/' })).statusCode)
  t.same(codes, [200, 200, 429])
})

t.test('the live bus fans out between two instances over the cluster', async t => {
  const prefix = freshPrefix()
  const [a, b] = await Promise.all([RedisEventBus.connect(target, prefix), RedisEventBus.connect(target, prefix)])
  t.teardown(async () => { await a.close(); await b.close() })
  const seen: LiveEvent[] = []
  b.subscribe('ch', 'cu', e => seen.push(e))
  const event: LiveEvent = { type: 'typing', threadId: 'th', customerId: 'cu', on: true }
  // a subscription is live once the cluster's subscriber node has it: publish until one arrives
  await eventually(async () => { await a.publish('ch', 'cu', event); return seen.length > 0 }, 15_000, 'an event across instances')
  t.same(seen[0], event)
})

t.test('store.cluster: unreachable seeds and malformed urls fail at connect, with the reason', async t => {
  await t.rejects(RedisStore.connect({ kind: 'cluster', urls: ['redis://127.0.0.1:1'] }))
  await t.rejects(RedisStore.connect({ kind: 'cluster', urls: ['127.0.0.1:7000'] }), /store\.cluster: '127\.0\.0\.1:7000' is not a url/)
  await t.rejects(RedisStore.connect({ kind: 'cluster', urls: ['redis://127.0.0.1:7000/2'] }), /names a database/)
})
