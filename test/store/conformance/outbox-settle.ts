import type { Test } from 'tap'
import type { Job, Store } from '../../../core/store/types.js'
import { fresh, newMessage, type OpenStore } from './kit.js'

const ids = (jobs: Job[]): Array<Job['jobId']> => jobs.map(j => j.jobId)
const byId = async (s: Store, jobId: Job['jobId']): Promise<Job | undefined> =>
  (await s.listJobs({ limit: 100_000 })).find(j => j.jobId === jobId)

/**
 * settleAndClaim: one worker tick in one store call. It must record outcomes exactly as completeJob, retryJob and
 * buryJob do (owner only, per-key order, attempts counted or not), set a finished job's message status forward
 * only, and claim as claimJobs does, before the outcomes: a key's next job is left to the next claim.
 */
export function outboxSettleConformance (t: Test, open: OpenStore): void {
  t.test('settleAndClaim completes, retries and buries, then claims the next head of each key', async t => {
    const s = await fresh(t, open)
    const a1 = (await s.enqueue({ kind: 'k', orderKey: 'A', payload: 'a1' }))!
    const a2 = (await s.enqueue({ kind: 'k', orderKey: 'A', payload: 'a2' }))!
    const b1 = (await s.enqueue({ kind: 'k', orderKey: 'B', payload: 'b1' }))!
    const b2 = (await s.enqueue({ kind: 'k', orderKey: 'B', payload: 'b2' }))!
    const c1 = (await s.enqueue({ kind: 'k', orderKey: 'C', payload: 'c1' }))!
    const d1 = (await s.enqueue({ kind: 'k', orderKey: 'D', payload: 'd1' }))!
    const now = Date.now() + 10
    t.same(ids(await s.settleAndClaim('w', [], 10, 60_000, now)), [a1.jobId, b1.jobId, c1.jobId, d1.jobId], 'no outcomes: a plain claim')
    const next = await s.settleAndClaim('w', [
      { jobId: a1.jobId, outcome: 'done' },
      { jobId: b1.jobId, outcome: 'dead', error: 'gone' },
      { jobId: c1.jobId, outcome: 'retry', runAt: now + 5_000, error: 'later', countAttempt: true },
      { jobId: d1.jobId, outcome: 'retry', runAt: now + 5_000, error: 'deferred', countAttempt: false }
    ], 10, 60_000, now + 1)
    t.same(ids(next), [], 'the claim comes before the outcomes: nothing was free before them')
    t.same(ids(await s.settleAndClaim('w', [], 10, 60_000, now + 2)).sort(), [a2.jobId, b2.jobId].sort(), 'the heads a completion and a burial unblocked')
    t.match(await byId(s, a1.jobId), { state: 'done' })
    t.match(await byId(s, b1.jobId), { state: 'dead', attempts: 1, lastError: 'gone' })
    t.match(await byId(s, c1.jobId), { state: 'pending', attempts: 1, lastError: 'later', runAt: now + 5_000 })
    t.match(await byId(s, d1.jobId), { state: 'pending', attempts: 0, lastError: 'deferred' })
    t.same(ids(await s.settleAndClaim('w', [], 10, 60_000, now + 5_000)).sort(), [c1.jobId, d1.jobId].sort(), 'the retries are due at runAt')
    const taken = await s.settleAndClaim('w', [{ jobId: c1.jobId, outcome: 'done' }], 10, 60_000, now + 5_001)
    t.same(ids(taken), [], 'c1 still leased when the claim ran: its key is not served twice')
  })

  t.test('settleAndClaim records only the lease owner\'s outcomes, and claims nothing with limit 0', async t => {
    const s = await fresh(t, open)
    const j = (await s.enqueue({ kind: 'k', orderKey: 'A', payload: 1 }))!
    const now = Date.now() + 10
    await s.claimJobs('crashed', 5, 1_000, now)
    t.same(ids(await s.settleAndClaim('w2', [], 5, 1_000, now + 1_000)), [j.jobId], 'the lapsed lease is taken over')
    t.same(await s.settleAndClaim('crashed', [{ jobId: j.jobId, outcome: 'done' }], 0, 1_000, now + 1_001), [])
    t.match(await byId(s, j.jobId), { state: 'pending' }, 'the former owner cannot complete it')
    await s.settleAndClaim('w2', [{ jobId: j.jobId, outcome: 'done' }], 0, 1_000, now + 1_002)
    t.match(await byId(s, j.jobId), { state: 'done' })
  })

  t.test('a completion sets its message status, forward only', async t => {
    const s = await fresh(t, open)
    await s.openThread('ch-1', 'c1', 'th-1')
    await s.insertMessage(newMessage('th-1', 'm-1', { direction: 'outbound' }))
    await s.insertMessage(newMessage('th-1', 'm-2', { direction: 'outbound' }))
    await s.setMessageStatus('ch-1', 'm-2', 'seen') // the receipt came before the delivery's completion was recorded
    const j1 = (await s.enqueue({ kind: 'platform.deliver', orderKey: 'p1', payload: {} }))!
    const j2 = (await s.enqueue({ kind: 'platform.deliver', orderKey: 'p2', payload: {} }))!
    const now = Date.now() + 10
    await s.claimJobs('w', 5, 60_000, now)
    await s.settleAndClaim('w', [
      { jobId: j1.jobId, outcome: 'done', messageStatus: { channelId: 'ch-1', messageId: 'm-1', status: 'sent' } },
      { jobId: j2.jobId, outcome: 'done', messageStatus: { channelId: 'ch-1', messageId: 'm-2', status: 'sent' } }
    ], 5, 60_000, now + 1)
    t.equal((await s.getMessage('ch-1', 'm-1'))?.status, 'sent')
    t.equal((await s.getMessage('ch-1', 'm-2'))?.status, 'seen', 'a later status is not undone')
    t.match(await byId(s, j1.jobId), { state: 'done' })
  })

  t.test('a completion touches its thread: activity forward only, the contact id kept', async t => {
    const s = await fresh(t, open)
    const opened = await s.openThread('ch-1', 'c1', 'th-1', 1_000)
    const j1 = (await s.enqueue({ kind: 'dfo.createMessage', orderKey: 'd1', payload: {} }))!
    const j2 = (await s.enqueue({ kind: 'dfo.createMessage', orderKey: 'd2', payload: {} }))!
    const j3 = (await s.enqueue({ kind: 'dfo.createMessage', orderKey: 'd3', payload: {} }))!
    const now = Date.now() + 10
    await s.claimJobs('w', 5, 60_000, now)
    await s.settleAndClaim('w', [
      { jobId: j1.jobId, outcome: 'done', threadTouch: { channelId: 'ch-1', threadId: 'th-1', at: 5_000, contactId: 'contact-7' } },
      { jobId: j2.jobId, outcome: 'done', threadTouch: { channelId: 'ch-1', threadId: 'th-1', at: 3_000 } },
      { jobId: j3.jobId, outcome: 'done', threadTouch: { channelId: 'ch-1', threadId: 'th-gone', at: 3_000 } }
    ], 0, 60_000, now + 1)
    t.match(await s.getThread('ch-1', 'th-1'), { threadId: opened.thread.threadId, lastActivityAt: 5_000, contactId: 'contact-7' },
      'the later touch moved activity; the earlier one, without a contact id, undid neither')
    t.equal(await s.getThread('ch-1', 'th-gone'), undefined, 'a touch of a missing thread creates nothing')
    for (const j of [j1, j2, j3]) t.match(await byId(s, j.jobId), { state: 'done' })
  })

  t.test('a claim brings the message its job names, and nothing for other jobs', async t => {
    const s = await fresh(t, open)
    await s.openThread('ch-1', 'c1', 'th-1')
    const stored = await s.insertMessage(newMessage('th-1', 'm-1', { raw: { idOnExternalPlatform: 'm-1' } }),
      { kind: 'dfo.createMessage', orderKey: 'dfo:th-1', payload: { channelId: 'ch-1', messageId: 'm-1' } })
    const other = (await s.enqueue({ kind: 'k', orderKey: 'x', payload: { channelId: 'ch-1', messageId: 'm-gone' } }))!
    const plain = (await s.enqueue({ kind: 'k', orderKey: 'y', payload: 'not an object' }))!
    const jobs = await s.settleAndClaim('w', [], 10, 60_000, Date.now() + 10)
    t.equal(jobs.length, 3)
    t.same(jobs.find(j => j.orderKey === 'dfo:th-1')?.message, stored.message, 'the message, as getMessage reads it')
    t.equal(jobs.find(j => j.jobId === other.jobId)?.message, undefined, 'a message that is gone: none')
    t.equal(jobs.find(j => j.jobId === plain.jobId)?.message, undefined, 'a payload naming no message: none')
  })

  t.test('the platform lane is claimed first; per-key order holds within it', async t => {
    const s = await fresh(t, open)
    const dfo = []
    for (let i = 0; i < 4; i++) dfo.push((await s.enqueue({ kind: 'dfo.createMessage', orderKey: `dfo:ch-1:t${i}`, payload: i }))!)
    const p1 = (await s.enqueue({ kind: 'platform.signal', orderKey: 'platform:ch-1:t0', payload: 'p1' }))!
    const p2 = (await s.enqueue({ kind: 'platform.signal', orderKey: 'platform:ch-1:t0', payload: 'p2' }))!
    const q1 = (await s.enqueue({ kind: 'platform.deliver', orderKey: 'platform:ch-1:t1', payload: 'q1' }))!
    const now = Date.now() + 10
    t.same(ids(await s.settleAndClaim('w', [], 3, 60_000, now)), [p1.jobId, q1.jobId, dfo[0]!.jobId],
      'both platform heads before the older DFO jobs, then the oldest DFO job; p2 waits for p1')
    const next = await s.settleAndClaim('w', [{ jobId: p1.jobId, outcome: 'done' }], 0, 60_000, now + 1)
    t.same(next, [])
    t.same(ids(await s.claimJobs('w', 2, 60_000, now + 2)), [p2.jobId, dfo[1]!.jobId], 'p2 once p1 is done, ahead of the DFO backlog')
  })
}
