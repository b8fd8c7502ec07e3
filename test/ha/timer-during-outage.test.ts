import t from 'tap'
import { eventually, http } from '../helper.js'
import { latencyBound } from '../reliability/harness/latency-bound.js'
import { IDLE } from './cluster.js'
import { expectIdleLinesOnce, startClusterRig } from './cluster-rig.js'
import { tally } from './traffic.js'

const SLEEPERS = 6
const OUTAGE_PAST_DUE_MS = 1500 // Redis comes back this long after the idle warnings fell due

t.test('T-8: idle timers that fall due while Redis is down fire exactly once after it returns, on one of two instances', async t => {
  const { redis, platform, sandbox, cluster: c } = await startClusterRig(t, { n: 2, ownRedis: true })

  // any-message idle rule (cluster.ts): each customer's message starts an IDLE.timeoutMs idle clock, then the countdown
  const firstSentAt = Date.now() // no idle clock starts before this, so none falls due before firstSentAt + IDLE.timeoutMs
  // posted at once, not one after the other: the posts and the kill must finish before the first clock is due
  const threads = await Promise.all(Array.from({ length: SLEEPERS }, async (_, i) => {
    const res = await http('POST', `${c.next().url}/channels/recorder-idle/inbound`, { customerId: `dormouse-${i}`, messageId: `t8-${i}`, text: 'back in a bit' })
    t.equal(res.status, 202, 'accepted while Redis is up')
    return res.body.messages[0].threadId as string
  }))
  const lastAckAt = Date.now()
  await redis.kill()
  const downAt = Date.now()
  // the scenario needs the outage to cover the due time; a machine too slow for that fails here, not silently
  t.ok(downAt < firstSentAt + IDLE.timeoutMs, `Redis down ${downAt - firstSentAt} ms after the first message, before any warning falls due (${IDLE.timeoutMs} ms)`)
  await new Promise(resolve => setTimeout(resolve, Math.max(0, lastAckAt + IDLE.timeoutMs + OUTAGE_PAST_DUE_MS - Date.now())))
  const signalsDuringOutage = platform.signals.filter(s => threads.includes(s.threadId)).length
  await redis.start()
  const upAt = Date.now()
  t.equal(signalsDuringOutage, 0, 'nothing fired while the store was gone')

  const ended = (threadId: string) => platform.signals.some(s => s.type === 'thread-closed' && s.threadId === threadId)
  await eventually(() => threads.every(ended), 60_000, 'every conversation ended after Redis returned')
  const lastEndMs = Date.now() - upAt
  await eventually(async () => (await c.store.outboxStats()).pending === 0 && (await c.store.countTimers()) === 0, 30_000, 'outbox drained, no timer left')

  for (const threadId of threads) {
    const signals = platform.signals.filter(s => s.threadId === threadId)
    t.equal(signals.filter(s => s.type === 'idle-warning').length, 1, `${threadId}: one warning`)
    t.same(signals.filter(s => s.type === 'thread-closed').map(s => s.reason), ['idle'], `${threadId}: ended once, for idleness`)
    t.equal((await c.store.getThread('recorder-idle', threadId))?.status, 'closed')
  }
  // CXone sees one prompt and one end line per conversation, however many instances and retries were involved
  await expectIdleLinesOnce(t, sandbox.url, threads)
  const ends = await eventually(() => {
    const mine = sandbox.threadUpdates.filter(u => threads.includes(u.threadId))
    return mine.length >= SLEEPERS && mine
  }, 15_000, 'the ends in CXone')
  t.same([...tally(ends, u => u.threadId).values()], Array(SLEEPERS).fill(1), 'CXone got one end (update thread) per conversation')
  const endCalls = tally(sandbox.createCalls.filter(call => call.id.startsWith('sys:') && call.id.includes('idle-end')), call => call.id)
  t.ok(c.hubs.every(h => h.child.exitCode === null), 'both instances still run')
  latencyBound(t, lastEndMs <= 5000 + IDLE.countdownMs, `last end ${lastEndMs} ms after Redis returned (warning within 5 s, then the ${IDLE.countdownMs} ms countdown)`)
  t.comment(`T-8: conversations=${SLEEPERS} outageMs=${upAt - downAt} downAfterFirstMessageMs=${downAt - firstSentAt} ` +
    `warnings=${platform.signals.filter(s => s.type === 'idle-warning' && threads.includes(s.threadId)).length} ends=${threads.filter(ended).length} ` +
    `endLineCalls=${[...endCalls.values()].reduce((a, b) => a + b, 0)} cxoneEnds=${ends.length} lastEndAfterRedisBackMs=${lastEndMs}`)
})
