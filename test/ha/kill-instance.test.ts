import t from 'tap'
import { randomUUID } from 'node:crypto'
import { eventually, http } from '../helper.js'
import { startFakePlatform } from '../fake-platform.js'
import { setFaults } from '../sandbox-view.js'
import { redisUrl } from '../store/redis-server.js'
import { identify, WidgetClient } from '../plugins/watering-hole/ws-client.js'
import { CHANNELS, IDLE, startCluster, type Cluster } from './cluster.js'
import { startCountingSandbox } from './counting-sandbox.js'
import { expectIdleLinesOnce } from './cluster-rig.js'
import { postInbound, sandboxMessages, tally, type Outcome } from './traffic.js'
import { tcpPortsOf } from './socket-ports.js'
import { testDir } from '../test-dir.js'

const CUSTOMERS = 12
const ROUNDS = 10
const KILL_AFTER = 40 // accepted customer messages before an instance dies
const AGENT_REPLIES = 24
const IDLE_CUSTOMERS = 4
const HELD_AT_KILL = 9 // create-message calls in flight (of up to 16 threads) when an instance dies

t.test('three instances on one Redis: kill -9 one mid-traffic', async t => {
  const dir = testDir(t, {})
  const platform = await startFakePlatform(t)
  let cluster: Cluster | undefined
  let pinned: string | undefined // the instance the next agent call arrives at; else round robin
  const sandbox = await startCountingSandbox(t, dir, { channels: CHANNELS, target: () => pinned ?? cluster!.next().url })
  cluster = await startCluster(t, { n: 3, redisUrl: await redisUrl(), sandboxUrl: sandbox.url, deliverUrl: platform.url, dir })
  const c = cluster
  const [h0, h1, h2] = c.hubs

  await t.test('a reply arriving at one instance reaches a widget connected to another', async t => {
    const me = await identify(h0.url)
    const ws = await WidgetClient.open(h0.url)
    t.teardown(() => ws.close())
    ws.send({ type: 'hello', token: me.token })
    await ws.next(f => f.type === 'history')
    ws.send({ type: 'message', clientMessageId: randomUUID(), text: 'Anyone at the river?' })
    const ack = await ws.next(f => f.type === 'ack')
    const thread = await eventually(async () => ((await http('GET', `${sandbox.url}/console/api/threads`)).body as any[])
      .find(th => th.idOnExternalPlatform === ack.threadId), 15_000, 'widget thread in the sandbox')
    pinned = h1.url
    const typing = await http('POST', `${sandbox.url}/console/api/threads/${thread.id}/typing`, { action: 'isTypingOn' })
    t.equal(typing.status, 204)
    t.equal((await ws.next(f => f.type === 'typing')).on, true, 'typing at instance 1 shows on instance 0')
    pinned = h2.url
    const reply = await http('POST', `${sandbox.url}/console/api/threads/${thread.id}/reply`, { text: 'Hello from instance 2' })
    pinned = undefined
    t.equal(reply.body.sendState, 'sent', JSON.stringify(reply.body))
    const shown = await ws.next(f => f.type === 'message' && f.entry.direction === 'outbound', 15_000)
    t.equal(shown.entry.text, 'Hello from instance 2', 'agent message at instance 2 shows on instance 0')
    t.equal(shown.entry.seq, ack.seq + 1)
  })

  // CXone is a little slow, so create-message calls are in flight on the instance that dies
  await setFaults(sandbox.url, { latencyMs: 100 })
  const outcomes: Outcome[] = []
  const idleThreads: string[] = []
  let killedAt = 0
  let idleSetAt = 0
  let killing: Promise<void> | undefined
  let victim = -1
  const killOneHoldingCalls = async (): Promise<void> => {
    // hold CXone's answers until create-message calls are surely in flight, then kill an instance that holds some
    // (instance 2 when it does): which instance claimed the held jobs is the claims' race, and an instance holding
    // none would prove nothing about calls cut off mid-flight
    sandbox.gate.close()
    await eventually(() => sandbox.gate.held >= HELD_AT_KILL, 15_000, 'create-message calls in flight')
    victim = [2, 0, 1].find(i => [...tcpPortsOf(c.hubs[i]!.child.pid!)].some(port => sandbox.gate.heldPorts.has(port))) ?? -1
    t.ok(victim >= 0, `an instance holds create-message calls in flight: instance ${victim}`)
    const doomed = c.hubs[victim < 0 ? 2 : victim]!
    // these threads' idle timers are set by the victim, which dies well before they are due (posted at once, so the
    // posts and the kill fit inside the clock on a loaded box)
    idleSetAt = Date.now()
    idleThreads.push(...await Promise.all(Array.from({ length: IDLE_CUSTOMERS }, async (_, i) => {
      const res = await http('POST', `${doomed.url}/channels/recorder-idle/inbound`, { customerId: `sleepy-${i}`, messageId: `sleepy-${i}-m`, text: 'brb' })
      t.equal(res.status, 202, 'idle customer accepted by the instance about to die')
      return res.body.messages[0].threadId as string
    })))
    await c.kill(victim < 0 ? 2 : victim)
    killedAt = Date.now()
    sandbox.gate.open()
  }

  const customers = Array.from({ length: CUSTOMERS }, async (_, i) => {
    for (let r = 0; r < ROUNDS; r++) {
      const o = await postInbound(() => c.next().url, { channel: 'recorder', customerId: `herd-${i}`, messageId: `herd-${i}-r${r}`, text: `customer ${i} round ${r}` })
      outcomes.push(o)
      if (!killing && outcomes.filter(x => x.accepted).length >= KILL_AFTER) killing = killOneHoldingCalls()
    }
  })
  const agent = (async () => {
    const replies: Array<{ text: string, sendState: string }> = []
    for (let k = 0; k < AGENT_REPLIES; k++) {
      const threads = ((await http('GET', `${sandbox.url}/console/api/threads`)).body as any[]).filter(th => th.channelId === 'chat_recorder')
      if (threads.length === 0) { k--; await new Promise(resolve => setTimeout(resolve, 50)); continue }
      const text = `agent reply ${k}`
      const res = await http('POST', `${sandbox.url}/console/api/threads/${threads[k % threads.length].id}/reply`, { text })
      replies.push({ text, sendState: res.body.sendState })
    }
    return replies
  })()
  await Promise.all(customers)
  const replies = await agent
  await killing
  t.ok(killedAt > 0, 'an instance was killed mid-traffic')
  t.ok(killedAt < idleSetAt + IDLE.timeoutMs, 'before its idle timers were due')

  const accepted = outcomes.filter(o => o.accepted)
  t.equal(accepted.length, CUSTOMERS * ROUNDS, 'platform retries got every customer message accepted by a live instance')
  // the idle threads' ends are awaited too: outbox and timers are read one after the other, so a countdown moved from
  // timer to job between the two reads would otherwise pass for drained
  const ended = (threadId: string) => platform.signals.some(s => s.type === 'thread-closed' && s.threadId === threadId)
  await eventually(async () => idleThreads.every(ended) && (await c.store.outboxStats()).pending === 0 && (await c.store.countTimers()) === 0,
    60_000, 'idle conversations ended, outbox drained and idle timers fired')

  await t.test('every accepted customer message is in CXone once, in its thread', async t => {
    const held = await eventually(async () => {
      const all = await sandboxMessages(sandbox.url, 'chat_recorder')
      const ids = new Set(all.map(m => m.id))
      return accepted.every(o => ids.has(o.messageId)) && all
    }, 30_000, 'all accepted messages in the sandbox')
    const inbound = held.filter(m => m.direction === 'inbound')
    const perId = tally(inbound, m => m.id)
    t.ok([...perId.values()].every(n => n === 1), 'no message twice in a sandbox thread')
    const where = new Map(inbound.map(m => [m.id, m.threadId]))
    t.ok(accepted.every(o => where.get(o.messageId) === o.threadId), 'each in the thread the hub answered with')
    // customer messages only: the idle rule's prompt and end lines (ids sys:...) go to CXone too, checked below
    const raw = sandbox.createCalls.filter(call => call.channelId.startsWith('chat_recorder') && !call.id.startsWith('sys:'))
    const distinct = new Set(raw.map(call => call.id)).size
    t.equal(distinct, accepted.length + IDLE_CUSTOMERS, 'create-message called for every accepted message')
    t.ok(raw.length > distinct, 'calls in flight on the killed instance were made again by another (at least once)')
    t.comment(`customer messages: ${outcomes.length} posted, ${accepted.length} + ${IDLE_CUSTOMERS} idle accepted (${outcomes.filter(o => o.attempts > 1).length} after a platform retry); ` +
      `${raw.length} create-message calls for ${distinct} distinct ids: ${raw.length - distinct} repeats, deduplicated by CXone`)
  })

  await t.test('every agent reply an instance accepted reaches the platform', async t => {
    const sent = replies.filter(r => r.sendState === 'sent')
    t.ok(sent.length >= AGENT_REPLIES - 3, `most agent replies accepted (${sent.length}/${AGENT_REPLIES})`)
    await eventually(() => sent.every(r => platform.messages.some(m => m.text === r.text)), 30_000, 'agent replies delivered')
    const perText = tally(platform.messages.filter(m => String(m.text).startsWith('agent reply ')), m => m.text)
    t.comment(`agent replies: ${AGENT_REPLIES} sent by the agent, ${sent.length} accepted, ${perText.size} distinct delivered, ` +
      `${[...perText.values()].reduce((a, b) => a + b, 0)} platform deliveries (at least once)`)
  })

  await t.test('idle timers set on the killed instance fire once elsewhere', async t => {
    for (const threadId of idleThreads) {
      const signals = platform.signals.filter(s => s.threadId === threadId)
      t.equal(signals.filter(s => s.type === 'idle-warning').length, 1, `${threadId}: one warning`)
      t.same(signals.filter(s => s.type === 'thread-closed').map(s => s.reason), ['idle'], `${threadId}: closed once, for idleness`)
      const thread = await c.store.getThread('recorder-idle', threadId)
      t.equal(thread?.status, 'closed')
      t.equal(thread?.closedReason, 'idle')
    }
    // the prompt and the end line reach the agent once each, the end line last (before the close, on one order key)
    await expectIdleLinesOnce(t, sandbox.url, idleThreads)
  })
  t.ok(c.alive().length === 2 && c.alive().every(h => h.child.exitCode === null), 'the survivors still run')
})
