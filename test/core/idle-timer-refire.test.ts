import t from 'tap'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import type { Test } from 'tap'
import { SqliteStore } from '../../core/store/sqlite.js'
import { RedisStore } from '../../core/store/redis.js'
import type { NewJob, Store } from '../../core/store/types.js'
import { Jobs } from '../../core/conversations/job-kinds.js'
import { idleKey } from '../../core/conversations/idle-rule.js'
import { systemLineKind } from '../../core/conversations/system-lines.js'
import { startHub, eventually } from '../helper.js'
import { testDir } from '../test-dir.js'

/*
 * An idle timer whose firing fails midway stays claimed and fires again when its claim lapses (a store call that
 * timed out after the store applied it, an instance that died between claim and completion). Whatever step the
 * first firing reached, the conversation must still get its warning, then its close, each once as the platform and
 * CXone see them: one warning signal, one close signal, one warning line, one end line, one DFO close.
 *
 * The store is real; a thin wrapper lets one chosen call of each conversation go through and then throw, once.
 */

/** Where a conversation's firing fails (once): the step named went through, the caller heard an error. */
const STAGES = [
  'claimed-by-a-dead-instance', // claimed before the hub started, never completed
  'after-countdown-set', // the warning's setTimer of the countdown
  'after-warning-line', // the warning line (and its DFO job)
  'after-warning-signal', // the idle-warning signal for the platform
  'after-store-close', // the store's closeThread
  'after-end-line', // the end line (and its DFO job)
  'after-dfo-close', // the DFO close job
  'after-closed-signal', // the thread-closed signal for the platform
  'after-timer-cancel', // the first of the idle timers cancelled by the close
  'completion-lost' // the warning fired in full, the completion of its batch failed
] as const
type Stage = typeof STAGES[number]
const PER_STAGE = 3
const CHANNEL = 'watering-hole'

const stageOf = (threadId: string): Stage => STAGES[Number(threadId.split('-')[1])]!
const signalOf = (job: NewJob): { type: string, threadId: string } | undefined =>
  job.kind === Jobs.PLATFORM_SIGNAL ? (job.payload as { signal: { type: string, threadId: string } }).signal : undefined

/** What reached the store, in order, per conversation; and the failures injected. */
interface Record { readonly queued: string[], readonly failed: Set<string> }

/** Wraps the store's own methods: each call runs for real; the chosen one then throws, once per conversation. */
function failOnceMidway (store: Store): Record {
  const rec: Record = { queued: [], failed: new Set() }
  const failOnce = (threadId: string, stage: Stage): void => {
    if (stageOf(threadId) !== stage || rec.failed.has(threadId)) return
    rec.failed.add(threadId)
    throw new Error(`injected: ${stage} went through, its reply was lost (${threadId})`)
  }
  const { enqueue, insertMessage, setTimer, closeThread, cancelTimer, completeTimers } = store
  store.enqueue = async (job) => {
    const out = await enqueue(job)
    const signal = signalOf(job)
    const threadId = signal?.threadId ?? (job.payload as { threadId?: string }).threadId
    if (out && signal) rec.queued.push(`${signal.threadId}:${signal.type}`)
    if (out && job.kind === Jobs.DFO_CLOSE_THREAD) rec.queued.push(`${threadId!}:dfo-close`)
    if (signal?.type === 'idle-warning') failOnce(signal.threadId, 'after-warning-signal')
    if (signal?.type === 'thread-closed') failOnce(signal.threadId, 'after-closed-signal')
    if (job.kind === Jobs.DFO_CLOSE_THREAD) failOnce(threadId!, 'after-dfo-close')
    return out
  }
  store.insertMessage = async (message, job) => {
    const out = await insertMessage(message, job)
    const kind = systemLineKind(message.messageId)
    if (out.created && kind) rec.queued.push(`${message.threadId}:${kind}-line`)
    if (kind === 'idle-warning') failOnce(message.threadId, 'after-warning-line')
    if (kind === 'idle-end') failOnce(message.threadId, 'after-end-line')
    return out
  }
  store.setTimer = async (timer) => {
    await setTimer(timer)
    if (timer.kind === 'idle-end') failOnce((timer.payload as { threadId: string }).threadId, 'after-countdown-set')
  }
  store.closeThread = async (channelId, threadId, reason) => {
    const out = await closeThread(channelId, threadId, reason)
    failOnce(threadId, 'after-store-close')
    return out
  }
  store.cancelTimer = async (key) => {
    const out = await cancelTimer(key)
    if (key.startsWith('idle')) failOnce(key.slice(key.indexOf('|') + 1), 'after-timer-cancel')
    return out
  }
  store.completeTimers = async (claims) => {
    const lost = claims.find(c => c.key.startsWith('idle:') && stageOf(c.key.slice(c.key.indexOf('|') + 1)) === 'completion-lost' && !rec.failed.has(c.key))
    if (lost) {
      rec.failed.add(lost.key)
      throw new Error('injected: the completion of this batch failed')
    }
    return completeTimers(claims)
  }
  return rec
}

async function refireBurst (t: Test, store: Store): Promise<void> {
  const threads: string[] = []
  for (let s = 0; s < STAGES.length; s++) for (let i = 0; i < PER_STAGE; i++) threads.push(`th-${s}-${i}`)
  for (const threadId of threads) {
    await store.upsertCustomer({ channelId: CHANNEL, customerId: `c${threadId}`, name: threadId })
    await store.startThread(CHANNEL, `c${threadId}`, threadId)
  }
  const setAt = Date.now()
  const arm = (threadId: string): Promise<void> =>
    store.setTimer({ key: idleKey(CHANNEL, threadId), kind: 'idle-warning', dueAt: setAt + 1, payload: { channelId: CHANNEL, threadId, setAt } })
  // an instance claimed these and died: the claim has to lapse (the delivery lease) before they fire
  const dead = threads.filter(th => stageOf(th) === 'claimed-by-a-dead-instance')
  for (const threadId of dead) await arm(threadId)
  t.equal((await store.claimDueTimers(setAt + 1, 100, 500)).timers.length, dead.length, 'the dead instance holds its claims')
  for (const threadId of threads.filter(th => !dead.includes(th))) await arm(threadId)

  const rec = failOnceMidway(store)
  const { hub } = await startHub(t, { delivery: { lease: '500ms' }, rules: { idle: { timeout: '2m', countdown: '200ms' } } }, { store })

  // no timer left: nothing more will fire (a firing completes or cancels its timer last). Generous: a failed firing
  // waits out its claim; the bound only catches a timer that never goes
  await eventually(async () => await store.countTimers() === 0, 60_000, 'every idle timer fired and gone')
  const failed = [...rec.failed]
  t.equal(failed.filter(f => f.startsWith('th-')).length, threads.length - 2 * PER_STAGE, 'each conversation failed once midway (dead instance and lost completions aside)')
  t.ok(failed.some(f => f.startsWith('idle:')), 'a batch completion failed')

  const expected = ['idle-warning-line', 'idle-warning', 'idle-end-line', 'dfo-close', 'thread-closed'] // [3..] sorted
  const wrong: string[] = []
  for (const threadId of threads) {
    const seen = rec.queued.filter(q => q.startsWith(`${threadId}:`)).map(q => q.slice(threadId.length + 1))
    // the DFO close and the platform's signal go to the store together (two order keys): either comes first
    if (JSON.stringify([...seen.slice(0, 3), ...seen.slice(3).sort()]) !== JSON.stringify(expected)) wrong.push(`${threadId} (${stageOf(threadId)}): ${seen.join(', ')}`)
    const thread = await hub.store.getThread(CHANNEL, threadId)
    if (thread?.status !== 'closed' || thread.closedReason !== 'idle') wrong.push(`${threadId} (${stageOf(threadId)}): ${thread?.status} ${thread?.closedReason}`)
  }
  t.same(wrong, [], 'every conversation: warning line and signal, then end line, DFO close and close signal, each once')
}

t.test('idle timers failing once midway, on SQLite: every warning and close exactly once', async t => {
  const store = new SqliteStore(join(testDir(t, {}), 'hub.db'))
  t.teardown(() => store.close())
  await refireBurst(t, store)
})

t.test('idle timers failing once midway, on Redis: every warning and close exactly once', async t => {
  const prefix = `byoc-refire-${Math.random().toString(36).slice(2)}:`
  const store = await RedisStore.connect('redis://127.0.0.1:6379', prefix)
  t.teardown(async () => {
    await store.close()
    const redis = new Redis('redis://127.0.0.1:6379')
    const keys = await redis.keys(`*${prefix}*`)
    if (keys.length) await redis.del(...keys)
    redis.disconnect()
  })
  await refireBurst(t, store)
})
