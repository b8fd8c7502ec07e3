import t from 'tap'
import { eventually, http } from '../helper.js'
import { startFakePlatform } from '../fake-platform.js'
import { CHANNELS, startCluster, type Cluster } from './cluster.js'
import { startCountingSandbox } from './counting-sandbox.js'
import { ownCluster } from './own-cluster.js'
import { postInbound, sandboxMessages, tally, type Outcome } from './traffic.js'
import { testDir } from '../test-dir.js'

const CUSTOMERS = 4
const ROUNDS = 5

t.test('two hub processes on a Redis Cluster (store.cluster): customer messages reach CXone, agent replies reach the platform', async t => {
  const dir = testDir(t, { redis: {} })
  const redis = await ownCluster(t, `${dir}/redis`, { masters: 3, replicas: 1 })
  const platform = await startFakePlatform(t)
  let hubs: Cluster | undefined
  const sandbox = await startCountingSandbox(t, dir, { channels: CHANNELS, target: () => hubs!.next().url })
  hubs = await startCluster(t, { n: 2, redisUrl: redis.urls[0], topology: { kind: 'cluster', urls: redis.urls }, sandboxUrl: sandbox.url, deliverUrl: platform.url, dir })
  const c = hubs
  t.same(await Promise.all(c.hubs.map(async h => (await http('GET', `${h.url}/health/ready`)).status)), [200, 200], 'both ready')

  // each customer's messages in order, alternating instances (the load balancer's round robin)
  const outcomes = (await Promise.all(Array.from({ length: CUSTOMERS }, async (_, i) => {
    const mine: Outcome[] = []
    for (let r = 0; r < ROUNDS; r++) {
      mine.push(await postInbound(() => c.next().url, { channel: 'recorder', customerId: `cl-${i}`, messageId: `cl-${i}-r${r}`, text: `customer ${i} round ${r}` }))
    }
    return mine
  }))).flat()
  t.equal(outcomes.filter(o => o.accepted).length, CUSTOMERS * ROUNDS, 'every message accepted')

  const held = await eventually(async () => {
    const all = await sandboxMessages(sandbox.url, 'chat_recorder')
    return all.length >= outcomes.length && all
  }, 60_000, 'every message in the sandbox')
  t.ok([...tally(held, m => m.id).values()].every(n => n === 1), 'each once in CXone')
  const where = new Map(held.map(m => [m.id, m.threadId]))
  t.ok(outcomes.every(o => where.get(o.messageId) === o.threadId), 'each in the thread the hub answered with')
  for (let i = 0; i < CUSTOMERS; i++) {
    const order = held.filter(m => m.id.startsWith(`cl-${i}-`)).map(m => m.id)
    t.same(order, Array.from({ length: ROUNDS }, (_, r) => `cl-${i}-r${r}`), `customer ${i}: order kept`)
  }

  // the agent answers every thread; each answer arrives at an instance in turn and goes out through the outbox
  const threads = ((await http('GET', `${sandbox.url}/console/api/threads`)).body as any[]).filter(th => th.channelId === 'chat_recorder')
  t.equal(threads.length, CUSTOMERS, 'one CXone thread per customer')
  const replies: string[] = []
  for (const [k, th] of threads.entries()) {
    const text = `agent reply ${k}`
    const res = await http('POST', `${sandbox.url}/console/api/threads/${th.id}/reply`, { text })
    t.equal(res.body.sendState, 'sent', JSON.stringify(res.body))
    replies.push(text)
  }
  await eventually(() => replies.every(text => platform.messages.some(m => m.text === text)), 30_000, 'agent replies on the platform')
  await eventually(async () => (await c.store.outboxStats()).pending === 0, 30_000, 'outbox drained')
  const delivered = tally(platform.messages.filter(m => String(m.text).startsWith('agent reply ')), m => m.text)
  t.same([...delivered.keys()].sort(), [...replies].sort(), 'every agent reply delivered, nothing else')
  t.comment(`${outcomes.length} customer messages (${outcomes.filter(o => o.attempts > 1).length} after a retry), ` +
    `${sandbox.createCalls.length} create-message calls, ${[...delivered.values()].reduce((a, b) => a + b, 0)} platform deliveries for ${replies.length} replies`)
})
