import t from 'tap'
import { Redis } from 'ioredis'
import { RedisStore } from '../../core/store/redis.js'
import type { NewJob } from '../../core/store/types.js'
import { Jobs } from '../../core/conversations/job-kinds.js'
import { idleKey } from '../../core/conversations/idle-rule.js'
import { startHub, eventually } from '../helper.js'

/*
 * An idle timer whose firing fails midway stays claimed and fires again when its claim lapses. Under a burst on
 * Redis that is what a command timeout (ioredis commandTimeout: the command ran on Redis, the client gave up on the
 * reply) does. The second firing used to find its own work half done and do nothing: the warning line written counted
 * as activity (no warning signal), the thread already closed (no thread-closed signal). Here every firing of a burst
 * fails once right after one of its store writes went through, and every conversation must still get its warning and
 * its close queued for the platform, once each.
 */

const N = 300
const signalOf = (job: NewJob): { type: string, threadId: string } | undefined =>
  job.kind === Jobs.PLATFORM_SIGNAL ? (job.payload as { signal: { type: string, threadId: string } }).signal : undefined

t.test('a burst of idle timers whose firings each fail once midway: every warning and close queued exactly once', async t => {
  const prefix = `byoc-refire-${Math.random().toString(36).slice(2)}:`
  const store = await RedisStore.connect('redis://127.0.0.1:6379', prefix)
  t.teardown(async () => {
    await store.close()
    const redis = new Redis('redis://127.0.0.1:6379')
    const keys = await redis.keys(`*${prefix}*`)
    if (keys.length) await redis.del(...keys)
    redis.disconnect()
  })
  const { hub } = await startHub(t, { delivery: { lease: '500ms' }, rules: { idle: { timeout: '2m', countdown: '200ms' } } }, { store })

  // what reached the outbox for the platform, per thread and signal type; and one failure per thread and stage
  const queued = new Map<string, number>()
  const failed = new Set<string>()
  const failOnce = (key: string): void => {
    if (failed.has(key)) return
    failed.add(key)
    throw new Error(`injected: the reply to this command was lost (${key})`)
  }
  const enqueue = store.enqueue.bind(store)
  store.enqueue = async (job) => {
    const out = await enqueue(job)
    const s = signalOf(job)
    if (s && out) queued.set(`${s.threadId}:${s.type}`, (queued.get(`${s.threadId}:${s.type}`) ?? 0) + 1)
    // the write went through; the caller hears of a failure (odd threads: after the close's signal)
    if (s?.type === 'thread-closed' && Number(s.threadId.slice(3)) % 2 === 1) failOnce(`${s.threadId}:closed-signal`)
    return out
  }
  const insertMessage = store.insertMessage.bind(store)
  store.insertMessage = async (message, job) => {
    const out = await insertMessage(message, job)
    const n = Number(message.threadId.slice(3))
    // even threads: after the warning line; every third: after the end line
    if (message.messageId.includes('idle-warning') && n % 2 === 0) failOnce(`${message.threadId}:warning-line`)
    if (message.messageId.includes('idle-end') && n % 3 === 0) failOnce(`${message.threadId}:end-line`)
    return out
  }

  for (let i = 0; i < N; i++) {
    await store.upsertCustomer({ channelId: 'watering-hole', customerId: `c-${i}`, name: `c-${i}` })
    await store.startThread('watering-hole', `c-${i}`, `th-${i}`)
  }
  const setAt = Date.now()
  for (let i = 0; i < N; i++) {
    await store.setTimer({ key: idleKey('watering-hole', `th-${i}`), kind: 'idle-warning', dueAt: setAt + 50, payload: { channelId: 'watering-hole', threadId: `th-${i}`, setAt } })
  }

  // generous: a failed firing waits out its 500 ms claim; the bound only catches a firing that never comes
  await eventually(async () => await store.countTimers() === 0, 120_000, 'every idle timer fired and completed')
  t.ok(failed.size >= N, `the firings failed midway (${failed.size} times)`)
  const missing: string[] = []
  const twice: string[] = []
  for (let i = 0; i < N; i++) {
    for (const type of ['idle-warning', 'thread-closed']) {
      const n = queued.get(`th-${i}:${type}`) ?? 0
      if (n === 0) missing.push(`th-${i}:${type}`)
      if (n > 1) twice.push(`th-${i}:${type}`)
    }
    const thread = await hub.store.getThread('watering-hole', `th-${i}`)
    if (thread?.status !== 'closed' || thread.closedReason !== 'idle') missing.push(`th-${i}: not closed for idle`)
  }
  t.same(missing, [], 'every conversation got its warning and its close')
  t.same(twice, [], 'none got either twice')
})
