import type { Test } from 'tap'
import type { Job, OutboxPort, TimersPort } from '../../../core/store/types.js'
import { concurrently, fresh, pair, type OpenPair, type OpenPort } from './kit.js'

/** Timers fire through the outbox (moveDueTimersToJobs), so the suite reads the jobs they became. */
export type TimersUnderTest = TimersPort & Pick<OutboxPort, 'claimJobs' | 'listJobs'>

const fired = async (s: TimersUnderTest): Promise<Job[]> => s.listJobs({ kind: 'timer.fire', limit: 10_000 })
const firedKeys = async (s: TimersUnderTest): Promise<string[]> => (await fired(s)).map(j => (j.payload as { key: string }).key)

/** The timers port on one store: set, replace, cancel, and due timers moved into the outbox once each. */
export function timersConformance (t: Test, open: OpenPort<TimersUnderTest>): void {
  t.test('timers: set, replace, get, cancel, count', async t => {
    const s = await fresh(t, open)
    const payload = { threadId: 'th-1', list: [], nested: { a: [1] } }
    await s.setTimer({ key: 'idle:th-1', kind: 'idle.warn', dueAt: 1000, payload })
    t.same(await s.getTimer('idle:th-1'), { key: 'idle:th-1', kind: 'idle.warn', dueAt: 1000, payload })
    await s.setTimer({ key: 'idle:th-1', kind: 'idle.close', dueAt: 2000, payload: 2 })
    t.same(await s.getTimer('idle:th-1'), { key: 'idle:th-1', kind: 'idle.close', dueAt: 2000, payload: 2 }, 'set replaces')
    t.equal(await s.countTimers(), 1)
    t.equal(await s.moveDueTimersToJobs(1999, 10), 0, 'the replaced due time counts')
    await s.setTimer({ key: 'idle:th-2', kind: 'idle.warn', dueAt: 500, payload: null })
    t.equal(await s.countTimers(), 2)
    t.equal(await s.cancelTimer('idle:th-2'), true)
    t.equal(await s.cancelTimer('idle:th-2'), false)
    t.equal(await s.getTimer('idle:th-2'), undefined)
    t.equal(await s.moveDueTimersToJobs(10_000, 10), 1)
    const jobs = await fired(s)
    t.equal(jobs.length, 1, 'the timer became one timer.fire job, the cancelled one none')
    t.match(jobs[0], { orderKey: 'timer:idle:th-1', dedupeKey: 'timer:idle:th-1:2000', runAt: 10_000, state: 'pending' })
    t.same(jobs[0].payload, { key: 'idle:th-1', timer: { kind: 'idle.close', dueAt: 2000, payload: 2 } })
    t.equal(await s.countTimers(), 0)
    t.equal(await s.getTimer('idle:th-1'), undefined, 'a moved timer is gone')
  })

  t.test('moveDueTimersToJobs moves due timers oldest first, up to limit, and removes them', async t => {
    const s = await fresh(t, open)
    for (const [key, dueAt] of [['c', 300], ['a', 100], ['d', 900], ['b', 200]] as const) await s.setTimer({ key, kind: 'k', dueAt, payload: key })
    t.equal(await s.moveDueTimersToJobs(300, 2), 2)
    t.same(await firedKeys(s), ['a', 'b'])
    t.equal(await s.moveDueTimersToJobs(300, 10), 1)
    t.same(await firedKeys(s), ['a', 'b', 'c'])
    t.equal(await s.moveDueTimersToJobs(300, 10), 0, 'each timer is moved once')
    t.equal(await s.countTimers(), 1)
    t.equal((await s.getTimer('d'))?.dueAt, 900)
  })

  t.test('concurrent movers never both move one timer', async t => {
    const s = await fresh(t, open)
    for (let i = 0; i < 50; i++) await s.setTimer({ key: `t${i}`, kind: 'k', dueAt: i, payload: i })
    const moved = await concurrently(8, () => s.moveDueTimersToJobs(1_000, 10))
    const rest = await s.moveDueTimersToJobs(1_000, 100)
    t.equal(moved.reduce((a, b) => a + b, 0) + rest, 50, 'none lost')
    const keys = await firedKeys(s)
    t.equal(keys.length, 50, 'one job per timer')
    t.equal(new Set(keys).size, 50, 'no timer moved twice')
  })
}

/** The timers port on two instances sharing one store: each due timer becomes one leased job, payload intact. */
export function sharedTimersConformance (t: Test, openPair: OpenPair<TimersUnderTest>): void {
  t.test('moveDueTimersToJobs on two instances: each due timer moved once, with its payload intact', async t => {
    const [a, b] = await pair(t, openPair)
    const dueAt = 1_795_686_501_063 // large integer: must survive the trip exactly
    for (let i = 0; i < 30; i++) await a.setTimer({ key: `idle:t${i}`, kind: 'idle-warning', dueAt: dueAt + i, payload: { channelId: 'c', threadId: `t${i}`, setAt: 1 } })
    await a.setTimer({ key: 'idle:later', kind: 'idle-warning', dueAt: dueAt + 10_000, payload: {} })
    const [na, nb] = await Promise.all([a.moveDueTimersToJobs(dueAt + 100, 1000), b.moveDueTimersToJobs(dueAt + 100, 1000)])
    t.equal(na + nb, 30, 'each due timer moved once across two instances')
    t.equal(await a.countTimers(), 1, 'the future timer stays')
    const jobs = await a.claimJobs('w', 100, 1000, dueAt + 100)
    t.equal(jobs.length, 30)
    const first = jobs.find(j => (j.payload as { key: string }).key === 'idle:t0')!
    t.equal(first.kind, 'timer.fire')
    t.same((first.payload as { timer: unknown }).timer, { kind: 'idle-warning', dueAt, payload: { channelId: 'c', threadId: 't0', setAt: 1 } })
    t.equal(await a.moveDueTimersToJobs(dueAt + 100, 1000), 0, 'nothing left to move')
  })

  t.test('timers are shared: many small moves on two instances move each timer once', async t => {
    const [a, b] = await pair(t, openPair)
    for (let i = 0; i < 30; i++) await a.setTimer({ key: `t${i}`, kind: 'k', dueAt: i, payload: i })
    const moved = await concurrently(6, i => (i % 2 ? a : b).moveDueTimersToJobs(100, 7))
    const rest = await b.moveDueTimersToJobs(100, 100)
    t.equal(moved.reduce((x, y) => x + y, 0) + rest, 30)
    const keys = await firedKeys(a)
    t.equal(new Set(keys).size, keys.length, 'no timer moved twice')
    t.equal(keys.length, 30)
  })
}
