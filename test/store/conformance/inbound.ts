import type { Test } from 'tap'
import type { InboundStep, Store } from '../../../core/store/types.js'
import { concurrently, fresh, newMessage, pair, type OpenPair, type OpenPort } from './kit.js'

/** One inbound step as the conversation service builds it (service.ts storeInbound), on channel ch-1. */
function step (customerId: string, threadId: string, messageId: string, extra: Partial<InboundStep> = {}): InboundStep {
  return {
    channelId: 'ch-1',
    customerId,
    threadId,
    rule: 'named',
    blockAfterAgentClose: true,
    message: newMessage(threadId, messageId, { createdAt: 500_000 }),
    job: { kind: 'dfo.createMessage', orderKey: `dfo:ch-1:${threadId}`, dedupeKey: `dfo-msg:ch-1:${messageId}`, payload: { messageId } },
    now: 1_000_000,
    ...extra
  }
}

const idle = (threadId: string, runs: 'always' | 'away', now = 1_000_000) => ({
  countdownKey: `idle-end:ch-1|${threadId}`,
  clearedSignal: { kind: 'platform.signal', orderKey: `platform:ch-1:${threadId}`, payload: { type: 'idle-cleared', threadId } },
  warning: { key: `idle:ch-1|${threadId}`, kind: 'idle-warning', dueAt: now + 60_000, payload: { channelId: 'ch-1', threadId, setAt: now } },
  runs,
  presenceCollection: 'presence:ch-1:c1'
})

/** The inbound step (ports/inbound.ts): the thread rules, the message and its job, the idle clock, in one step. */
export function inboundConformance (t: Test, open: OpenPort<Store>): void {
  t.test("rule 'current': a new customer gets customer, thread, message and job at once; a repeat is a duplicate", async t => {
    const s = await fresh(t, open)
    const first = await s.storeInbound(step('c1', 'th-1', 'm1', { rule: 'current', customer: { name: 'Ann' } }))
    t.match(first, { outcome: 'stored', created: true, countdownCleared: false, message: { messageId: 'm1', threadId: 'th-1', seq: 1 }, thread: { threadId: 'th-1', customerId: 'c1', status: 'open' } })
    t.equal((await s.getCustomer('ch-1', 'c1'))?.name, 'Ann')
    t.equal((await s.findCurrentThread('ch-1', 'c1'))?.threadId, 'th-1')
    const again = await s.storeInbound(step('c1', 'th-1', 'm1', { rule: 'current' }))
    t.match(again, { outcome: 'stored', created: false, message: { seq: 1 } })
    t.equal((await s.listJobs({ kind: 'dfo.createMessage' })).length, 1, 'one job, however often the message comes')
    t.equal((await s.getThread('ch-1', 'th-1'))?.lastActivityAt, 1_000_000, "a new message moves the thread's activity to now")
  })

  t.test("a step's customer (name, avatar) keeps the language the customer's widget reported", async t => {
    const s = await fresh(t, open)
    await s.upsertCustomer({ channelId: 'ch-1', customerId: 'c1', name: 'Ann', locale: 'fr' })
    await s.storeInbound(step('c1', 'th-1', 'm1', { rule: 'current', customer: { name: 'Ann B' } }))
    t.match(await s.getCustomer('ch-1', 'c1'), { name: 'Ann B', locale: 'fr' })
  })

  t.test("rule 'current': another current thread, or a taken id, changes nothing", async t => {
    const s = await fresh(t, open)
    await s.openThread('ch-1', 'c1', 'th-1')
    const other = await s.storeInbound(step('c1', 'th-guess', 'm1', { rule: 'current', customer: { name: 'Changed' } }))
    t.match(other, { outcome: 'elsewhere', current: { threadId: 'th-1' } })
    t.equal(await s.getMessage('ch-1', 'm1'), undefined, 'no message')
    t.equal(await s.getCustomer('ch-1', 'c1'), undefined, 'no customer')
    t.same(await s.listJobs({}), [], 'no job')
    await s.closeThread('ch-1', 'th-1', 'idle')
    t.same(await s.storeInbound(step('c1', 'th-1', 'm1', { rule: 'current' })), { outcome: 'elsewhere' }, 'no current thread, and the guess names a closed one')
    t.match(await s.storeInbound(step('c1', 'th-2', 'm1', { rule: 'current' })), { outcome: 'stored', created: true, thread: { threadId: 'th-2' } })
  })

  t.test("rule 'named': another customer's thread, closed threads, retries and supersede", async t => {
    const s = await fresh(t, open)
    await s.openThread('ch-1', 'c2', 'th-c2')
    t.same(await s.storeInbound(step('c1', 'th-c2', 'm0')), { outcome: 'refused', code: 'THREAD_UNKNOWN' })
    t.match(await s.storeInbound(step('c1', 'th-1', 'm1')), { outcome: 'stored', created: true })
    await s.closeThread('ch-1', 'th-1', 'idle')
    t.same(await s.storeInbound(step('c1', 'th-1', 'm2')), { outcome: 'refused', code: 'THREAD_CLOSED' }, 'closed by the idle rule')
    t.match(await s.storeInbound(step('c1', 'th-1', 'm1')), { outcome: 'stored', created: false }, 'a retry of a message stored before the close')
    await s.openThread('ch-1', 'c1', 'th-2')
    await s.closeThread('ch-1', 'th-2', 'agent')
    t.same(await s.storeInbound(step('c1', 'th-2', 'm3')), { outcome: 'refused', code: 'THREAD_CLOSED' }, 'closed by the agent, blocked')
    t.match(await s.storeInbound(step('c1', 'th-2', 'm3', { blockAfterAgentClose: false })), { outcome: 'stored', created: true, thread: { status: 'closed' } }, 'closed by the agent, not blocked')
    await s.openThread('ch-1', 'c1', 'th-3')
    t.match(await s.storeInbound(step('c1', 'th-4', 'm4')), { outcome: 'supersede', current: { threadId: 'th-3' } })
    t.equal(await s.getThread('ch-1', 'th-4'), undefined, 'supersede writes nothing')
    t.equal(await s.getMessage('ch-1', 'm4'), undefined)
  })

  t.test('the idle clock: countdown withdrawn with its signal; the warning armed or cancelled by mode and presence', async t => {
    const s = await fresh(t, open)
    await s.openThread('ch-1', 'c1', 'th-1')
    await s.setTimer({ key: 'idle-end:ch-1|th-1', kind: 'idle-end', dueAt: 5, payload: {} })
    const r = await s.storeInbound(step('c1', 'th-1', 'm1', { idle: idle('th-1', 'always') }))
    t.match(r, { outcome: 'stored', countdownCleared: true })
    t.equal(await s.getTimer('idle-end:ch-1|th-1'), undefined, 'countdown gone')
    t.equal((await s.listJobs({ kind: 'platform.signal' })).length, 1, 'idle-cleared queued with the message')
    t.same(await s.getTimer('idle:ch-1|th-1'), { key: 'idle:ch-1|th-1', kind: 'idle-warning', dueAt: 1_060_000, payload: { channelId: 'ch-1', threadId: 'th-1', setAt: 1_000_000 } })

    t.match(await s.storeInbound(step('c1', 'th-1', 'm2', { idle: idle('th-1', 'away') })), { countdownCleared: false })
    t.equal(await s.getTimer('idle:ch-1|th-1'), undefined, 'attentive, presence never reported: no clock')
    await s.putDoc('presence:ch-1:c1', 'tab-1', { connectionId: 'tab-1', state: 'present', until: 2_000_000 })
    await s.storeInbound(step('c1', 'th-1', 'm3', { idle: idle('th-1', 'away') }))
    t.equal(await s.getTimer('idle:ch-1|th-1'), undefined, 'attentive, looking on: no clock')
    await s.putDoc('presence:ch-1:c1', 'tab-1', { connectionId: 'tab-1', state: 'present', until: 999_999 })
    await s.storeInbound(step('c1', 'th-1', 'm4', { idle: idle('th-1', 'away') }))
    t.equal((await s.getTimer('idle:ch-1|th-1'))?.kind, 'idle-warning', "attentive, 'present' expired: away, the clock runs")
    await s.storeInbound(step('c1', 'th-1', 'm4', { idle: idle('th-1', 'away') }))
    t.equal((await s.listJobs({ kind: 'platform.signal' })).length, 1, 'a duplicate changes no clock')
  })
}

/** Two instances: first messages of one customer racing with different guesses open one thread. */
export function sharedInboundConformance (t: Test, openPair: OpenPair<Store>): void {
  t.test("rule 'current' racing on two instances opens one thread", async t => {
    const [a, b] = await pair(t, openPair)
    const results = await concurrently(10, i => (i % 2 ? a : b).storeInbound(step('c1', `guess-${i}`, `m${i}`, { rule: 'current' })))
    const stored = results.filter(r => r.outcome === 'stored')
    t.equal(stored.length, 1, 'one guess wins')
    t.ok(results.every(r => r.outcome === 'stored' || (r.outcome === 'elsewhere' && r.current?.threadId === (stored[0] as { thread: { threadId: string } }).thread.threadId)), 'the others are told the winner')
  })
}
