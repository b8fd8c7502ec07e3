import t from 'tap'
import { eventually, http } from '../helper.js'
import { startFakePlatform } from '../fake-platform.js'
import { redisUrl } from '../store/redis-server.js'
import { CHANNELS, startCluster, type Cluster } from './cluster.js'
import { startCountingSandbox } from './counting-sandbox.js'
import { testDir } from '../test-dir.js'

t.test('a customer\'s first two messages arriving at two instances at once open one thread', async t => {
  const dir = testDir(t, {})
  const platform = await startFakePlatform(t)
  let cluster: Cluster | undefined
  const sandbox = await startCountingSandbox(t, dir, { channels: CHANNELS, target: () => cluster!.next().url })
  cluster = await startCluster(t, { n: 2, redisUrl: await redisUrl(), sandboxUrl: sandbox.url, deliverUrl: platform.url, dir })
  const [a, b] = cluster.hubs

  const customers = Array.from({ length: 25 }, (_, i) => `racer-${i}`)
  const results = await Promise.all(customers.map(async customerId => {
    const [fromA, fromB] = await Promise.all([a, b].map((hub, i) =>
      http('POST', `${hub.url}/channels/recorder/inbound`, { customerId, messageId: `${customerId}-via-${i}`, text: `first words via ${i}` })))
    return { customerId, fromA, fromB }
  }))
  for (const { customerId, fromA, fromB } of results) {
    t.equal(fromA.status, 202, `${customerId} accepted via A`)
    t.equal(fromB.status, 202, `${customerId} accepted via B`)
    t.equal(fromA.body.messages[0].threadId, fromB.body.messages[0].threadId, `${customerId}: both instances chose one thread`)
    const threads = await cluster.store.listThreads({ channelId: 'recorder', customerId })
    t.equal(threads.length, 1, `${customerId}: one thread in the store`)
    t.same((await cluster.store.listMessages('recorder', threads[0].threadId)).map(m => m.seq), [1, 2], `${customerId}: seqs gap-free`)
  }

  // CXone sees one thread per customer, holding both messages once
  const sandboxThreads = await eventually(async () => {
    const list = (await http('GET', `${sandbox.url}/console/api/threads`)).body as any[]
    const mine = list.filter(th => th.channelId === 'chat_recorder')
    return mine.length >= customers.length && mine
  }, 30_000, 'a sandbox thread per customer')
  t.equal(sandboxThreads.length, customers.length, 'no customer got a second thread in CXone')
  await eventually(async () => (await cluster!.store.outboxStats()).pending === 0, 30_000, 'outbox drained')
  const perId = new Map<string, number>()
  for (const th of sandboxThreads) {
    const view = (await http('GET', `${sandbox.url}/console/api/threads/${encodeURIComponent(th.id)}`)).body
    for (const m of view.messages) perId.set(m.idOnExternalPlatform, (perId.get(m.idOnExternalPlatform) ?? 0) + 1)
  }
  t.equal(perId.size, customers.length * 2, 'every message reached CXone')
  t.ok([...perId.values()].every(n => n === 1), 'each once')
})
