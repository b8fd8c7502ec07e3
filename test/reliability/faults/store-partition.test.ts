import t from 'tap'
import { eventually, http, startHub } from '../../helper.js'
import { RedisStore } from '../../../core/store/redis.js'
import { ownRedis } from '../../ha/own-redis.js'
import { startFaultProxy } from '../harness/fault-proxy.js'
import { startRecordingCxone, liveCxone } from '../harness/cxone-recorder.js'
import { LIVENESS_MS, latencyBound } from '../harness/latency-bound.js'
import { testDir } from '../../test-dir.js'

t.test('F-7: Redis slow, then partitioned, behind the TCP proxy: answers stay bounded, nothing hangs, nothing lost', async t => {
  const dir = testDir(t, { redis: {} })
  const redis = await ownRedis(t, `${dir}/redis`)
  const proxy = await startFaultProxy({ port: Number(new URL(redis.url).port) })
  t.teardown(() => proxy.close())
  const store = await RedisStore.connect(`redis://127.0.0.1:${proxy.port}`, 'part:')
  t.teardown(() => store.close())
  const cxone = await startRecordingCxone(t, [{ id: 'chat_recorder', name: 'Recorder' }])
  const hub = await startHub(t, {
    cxone: liveCxone(cxone.url, cxone.url),
    channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: {} }]
  }, { store, dir })
  const accepted: string[] = []
  const post = async (id: string) => {
    const t0 = performance.now()
    const res = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: `vole-${accepted.length % 4}`, messageId: id, text: id })
    if (res.status === 202) accepted.push(id)
    return { status: res.status, ms: performance.now() - t0 }
  }
  for (let i = 0; i < 5; i++) await post(`f7-before-${i}`)

  proxy.set({ latencyMs: 50 }) // every Redis round trip 100 ms slower (both ways)
  const slow: Array<{ status: number, ms: number }> = []
  for (let i = 0; i < 10; i++) slow.push(await post(`f7-slow-${i}`))
  const slowest = Math.max(...slow.map(s => s.ms))
  t.ok(slow.every(s => s.status === 202 || s.status === 503), `slow Redis: only 202 or 503 (${slow.map(s => s.status).join(',')})`)
  t.ok(slowest < LIVENESS_MS, `slow Redis: every answer came (slowest ${slowest.toFixed(0)} ms)`)
  latencyBound(t, slowest <= 2500, `slowest answer with a slow Redis ${slowest.toFixed(0)} ms (bounded by the command timeout)`)

  proxy.set({ pause: true }) // partition: bytes go nowhere, sockets stay open
  proxy.resetAll()
  const cut: Array<{ status: number, ms: number }> = []
  for (let i = 0; i < 5; i++) cut.push(await post(`f7-cut-${i}`))
  const slowestCut = Math.max(...cut.map(s => s.ms))
  t.ok(cut.every(s => s.status === 503), `partitioned: 503 (${cut.map(s => s.status).join(',')})`)
  t.ok(slowestCut < LIVENESS_MS, `partitioned: every answer came (slowest ${slowestCut.toFixed(0)} ms): nothing hangs`)
  latencyBound(t, slowestCut <= 1500, `slowest answer while partitioned ${slowestCut.toFixed(0)} ms`)

  proxy.set({})
  await eventually(async () => (await http('GET', `${hub.url}/health/ready`)).status === 200, 30_000, 'ready again without a restart')
  for (let i = 0; i < 5; i++) await post(`f7-after-${i}`)
  await eventually(async () => (await store.outboxStats()).pending === 0, 30_000, 'drained')
  const delivered = new Set(cxone.creates().filter(c => c.status < 300).map(c => c.key))
  t.same(accepted.filter(id => !delivered.has(id)), [], 'every accepted message reached CXone')
  t.comment(`F-7: accepted=${accepted.length} slowRedisSlowestMs=${slowest.toFixed(0)} partitionSlowestMs=${slowestCut.toFixed(0)} lost=0`)
})
