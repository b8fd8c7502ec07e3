import type { Test } from 'tap'
import type { ClaimedTimer, TimersPort } from '../../../core/store/types.js'
import { concurrently, fresh, pair, type OpenPair, type OpenPort } from './kit.js'

export type TimersUnderTest = TimersPort

const LEASE = 1000
const keysOf = (timers: ClaimedTimer[]): string[] => timers.map(x => x.key)

/** The timers port on one store: set, replace, cancel; due timers claimed once each, completed only by their claim. */
export function timersConformance (t: Test, open: OpenPort<TimersUnderTest>): void {
  t.test('timers: set, replace, get, cancel, count', async t => {
    const s = await fresh(t, open)
    const payload = { threadId: 'th-1', list: [], nested: { a: [1] } }
    await s.setTimer({ key: 'idle:th-1', kind: 'idle.warn', dueAt: 1000, payload })
    t.same(await s.getTimer('idle:th-1'), { key: 'idle:th-1', kind: 'idle.warn', dueAt: 1000, payload })
    await s.setTimer({ key: 'idle:th-1', kind: 'idle.close', dueAt: 2000, payload: 2 })
    t.same(await s.getTimer('idle:th-1'), { key: 'idle:th-1', kind: 'idle.close', dueAt: 2000, payload: 2 }, 'set replaces')
    t.equal(await s.countTimers(), 1)
    t.same((await s.claimDueTimers(1999, 10, LEASE)).timers, [], 'the replaced due time counts')
    await s.setTimer({ key: 'idle:th-2', kind: 'idle.warn', dueAt: 500, payload: null })
    t.equal(await s.countTimers(), 2)
    t.equal(await s.cancelTimer('idle:th-2'), true)
    t.equal(await s.cancelTimer('idle:th-2'), false)
    t.equal(await s.getTimer('idle:th-2'), undefined)
    const { timers } = await s.claimDueTimers(10_000, 10, LEASE)
    t.same(timers, [{ key: 'idle:th-1', kind: 'idle.close', dueAt: 2000, payload: 2, claim: 10_000 + LEASE }], 'the cancelled timer is not claimed')
    t.same(await s.getTimer('idle:th-1'), { key: 'idle:th-1', kind: 'idle.close', dueAt: 2000, payload: 2 }, 'a claimed timer stays readable, with its due time')
    t.equal(await s.countTimers(), 1)
    t.equal(await s.completeTimers(timers), 1)
    t.equal(await s.countTimers(), 0)
    t.equal(await s.getTimer('idle:th-1'), undefined, 'a completed timer is gone')
    t.equal(await s.completeTimers(timers), 0, 'completing twice removes nothing')
  })

  t.test('claimDueTimers claims due timers oldest first, up to limit, once each, and says when the next falls due', async t => {
    const s = await fresh(t, open)
    t.same(await s.claimDueTimers(300, 10, LEASE), { timers: [], nextDueAt: undefined }, 'no timer: no next due time')
    for (const [key, dueAt] of [['c', 300], ['a', 100], ['d', 900], ['b', 200]] as const) await s.setTimer({ key, kind: 'k', dueAt, payload: key })
    const first = await s.claimDueTimers(300, 2, LEASE)
    t.same(keysOf(first.timers), ['a', 'b'])
    t.same(first.timers.map(x => x.payload), ['a', 'b'])
    t.equal(first.nextDueAt, 300, 'the limit left c due')
    const second = await s.claimDueTimers(300, 10, LEASE)
    t.same(keysOf(second.timers), ['c'])
    t.equal(second.nextDueAt, 900, 'next: d')
    t.same((await s.claimDueTimers(300, 10, LEASE)).timers, [], 'each timer is claimed once while its claim holds')
    t.equal(await s.completeTimers([...first.timers, ...second.timers]), 3)
    t.equal(await s.countTimers(), 1)
    t.equal((await s.getTimer('d'))?.dueAt, 900)
  })

  t.test('a claim that lapses (its instance died) is claimed again; the lapsed claim then completes nothing', async t => {
    const s = await fresh(t, open)
    await s.setTimer({ key: 'x', kind: 'k', dueAt: 100, payload: 'x' })
    const dead = await s.claimDueTimers(100, 10, LEASE)
    t.same(keysOf(dead.timers), ['x'])
    t.same((await s.claimDueTimers(100 + LEASE - 1, 10, LEASE)).timers, [], 'not before the claim lapses')
    const again = await s.claimDueTimers(100 + LEASE, 10, LEASE)
    t.same(again.timers.map(x => [x.key, x.dueAt, x.payload]), [['x', 100, 'x']], 'claimed again once lapsed, as it was')
    t.equal(await s.completeTimers(dead.timers), 0, 'the old claim removes nothing')
    t.equal(await s.countTimers(), 1)
    t.equal(await s.completeTimers(again.timers), 1, 'the live claim completes it')
  })

  t.test('a timer set again or cancelled while claimed wins over the claim', async t => {
    const s = await fresh(t, open)
    await s.setTimer({ key: 'reset', kind: 'idle-warning', dueAt: 100, payload: 1 })
    await s.setTimer({ key: 'gone', kind: 'idle-warning', dueAt: 100, payload: 2 })
    const { timers } = await s.claimDueTimers(100, 10, LEASE)
    t.same(keysOf(timers).sort(), ['gone', 'reset'])
    await s.setTimer({ key: 'reset', kind: 'idle-end', dueAt: 150, payload: 3 }) // set again while firing
    t.equal(await s.cancelTimer('gone'), true, 'a claimed timer can be cancelled')
    t.equal(await s.completeTimers(timers), 0, 'neither is removed by the stale claim')
    t.same(await s.getTimer('reset'), { key: 'reset', kind: 'idle-end', dueAt: 150, payload: 3 })
    const next = await s.claimDueTimers(150, 10, LEASE)
    t.same(next.timers.map(x => [x.key, x.kind]), [['reset', 'idle-end']], 'the new timer is due and unclaimed: setting it dropped the claim')
  })

  t.test('a timer set again while claimed, due exactly when the claim ends, is not removed by the claim', async t => {
    const s = await fresh(t, open)
    await s.setTimer({ key: 'idle:x', kind: 'idle-warning', dueAt: 100, payload: 1 })
    const { timers } = await s.claimDueTimers(100, 10, LEASE)
    t.same(keysOf(timers), ['idle:x'])
    // e.g. an idle timeout as long as the lease, re-armed in the millisecond the claim was made
    await s.setTimer({ key: 'idle:x', kind: 'idle-warning', dueAt: timers[0]!.claim, payload: 2 })
    t.equal(await s.completeTimers(timers), 0, 'the stale claim removes nothing')
    t.same(await s.getTimer('idle:x'), { key: 'idle:x', kind: 'idle-warning', dueAt: timers[0]!.claim, payload: 2 })
    t.same((await s.claimDueTimers(timers[0]!.claim, 10, LEASE)).timers.map(x => x.payload), [2], 'the new timer fires when due')
  })

  t.test('concurrent claimers never both claim one timer', async t => {
    const s = await fresh(t, open)
    for (let i = 0; i < 50; i++) await s.setTimer({ key: `t${i}`, kind: 'k', dueAt: i, payload: i })
    const claimed = await concurrently(8, () => s.claimDueTimers(1_000, 10, LEASE))
    const rest = await s.claimDueTimers(1_000, 100, LEASE)
    const keys = [...claimed.flatMap(c => keysOf(c.timers)), ...keysOf(rest.timers)]
    t.equal(keys.length, 50, 'none lost')
    t.equal(new Set(keys).size, 50, 'no timer claimed twice')
    t.equal(await s.completeTimers([...claimed.flatMap(c => c.timers), ...rest.timers]), 50)
    t.equal(await s.countTimers(), 0)
  })
}

/** The timers port on two instances sharing one store: each due timer claimed by one of them, payload intact. */
export function sharedTimersConformance (t: Test, openPair: OpenPair<TimersUnderTest>): void {
  t.test('claimDueTimers on two instances: each due timer claimed once, with its payload intact', async t => {
    const [a, b] = await pair(t, openPair)
    const dueAt = 1_795_686_501_063 // large integer: must survive the trip exactly
    for (let i = 0; i < 30; i++) await a.setTimer({ key: `idle:t${i}`, kind: 'idle-warning', dueAt: dueAt + i, payload: { channelId: 'c', threadId: `t${i}`, setAt: 1 } })
    await a.setTimer({ key: 'idle:later', kind: 'idle-warning', dueAt: dueAt + 10_000, payload: {} })
    const [ca, cb] = await Promise.all([a.claimDueTimers(dueAt + 100, 1000, LEASE), b.claimDueTimers(dueAt + 100, 1000, LEASE)])
    const all = [...ca.timers, ...cb.timers]
    t.equal(all.length, 30, 'each due timer claimed once across two instances')
    t.equal(new Set(keysOf(all)).size, 30)
    t.same(all.find(x => x.key === 'idle:t0'), { key: 'idle:t0', kind: 'idle-warning', dueAt, payload: { channelId: 'c', threadId: 't0', setAt: 1 }, claim: dueAt + 100 + LEASE })
    t.equal(await b.completeTimers(all), 30, 'either instance completes claims')
    t.equal(await a.countTimers(), 1, 'the future timer stays')
    t.same(await a.claimDueTimers(dueAt + 100, 1000, LEASE), { timers: [], nextDueAt: dueAt + 10_000 }, 'nothing left to claim; the next is seen from both')
  })

  t.test('timers are shared: many small claims on two instances claim each timer once', async t => {
    const [a, b] = await pair(t, openPair)
    for (let i = 0; i < 30; i++) await a.setTimer({ key: `t${i}`, kind: 'k', dueAt: i, payload: i })
    const claimed = await concurrently(6, i => (i % 2 ? a : b).claimDueTimers(100, 7, LEASE))
    const rest = await b.claimDueTimers(100, 100, LEASE)
    const keys = [...claimed.flatMap(c => keysOf(c.timers)), ...keysOf(rest.timers)]
    t.equal(new Set(keys).size, keys.length, 'no timer claimed twice')
    t.equal(keys.length, 30)
  })
}
