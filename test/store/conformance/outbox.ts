import type { Test } from 'tap'
import type { Job, OutboxPort } from '../../../core/store/types.js'
import { concurrently, fresh, pair, type OpenPair, type OpenPort } from './kit.js'

const ids = (jobs: Job[]): Array<Job['jobId']> => jobs.map(j => j.jobId)
const byId = async (s: OutboxPort, jobId: Job['jobId']): Promise<Job | undefined> =>
  (await s.listJobs({ limit: 100_000 })).find(j => j.jobId === jobId)

/** Two jobs of key A, the first claimed by 'w' for a minute. */
async function headClaimed (s: OutboxPort): Promise<{ a1: Job, a2: Job, now: number }> {
  const a1 = (await s.enqueue({ kind: 'k', orderKey: 'A', payload: 1 }))!
  const a2 = (await s.enqueue({ kind: 'k', orderKey: 'A', payload: 2 }))!
  const now = Date.now() + 10
  await s.claimJobs('w', 5, 60_000, now)
  return { a1, a2, now }
}

/** The outbox port on one store: jobs, their leases, dead letters. */
export function outboxConformance (t: Test, open: OpenPort<OutboxPort>): void {
  t.test('enqueue stores the job and dedupes by dedupeKey forever', async t => {
    const s = await fresh(t, open)
    const before = Date.now()
    const payload = { body: { text: 'hi', list: [] as unknown[], empty: {} }, n: 1.5 }
    const j = await s.enqueue({ kind: 'dfo.createMessage', orderKey: 'th-1', dedupeKey: 'd1', payload })
    t.ok(j)
    t.match(j, { kind: 'dfo.createMessage', orderKey: 'th-1', dedupeKey: 'd1', attempts: 0, state: 'pending' })
    t.same(j!.payload, payload)
    t.ok(j!.runAt >= before && j!.runAt <= Date.now(), 'runAt defaults to now')
    t.ok(j!.createdAt >= before)
    t.equal(await s.enqueue({ kind: 'dfo.createMessage', orderKey: 'th-1', dedupeKey: 'd1', payload: {} }), undefined)
    const later = await s.enqueue({ kind: 'k', orderKey: 'th-1', payload: null, runAt: before + 60_000 })
    t.equal(later!.runAt, before + 60_000)
    t.equal(later!.dedupeKey, undefined)
    t.ok(await s.enqueue({ kind: 'k', orderKey: 'th-1', payload: null }), 'no dedupeKey, no dedupe')
    const [claimed] = await s.claimJobs('w', 1, 10_000)
    t.equal(claimed.jobId, j!.jobId)
    await s.completeJob(j!.jobId, 'w')
    t.equal(await s.enqueue({ kind: 'k', orderKey: 'x', dedupeKey: 'd1', payload: {} }), undefined, 'still deduped once done')
    const racing = await concurrently(10, () => s.enqueue({ kind: 'k', orderKey: 'y', dedupeKey: 'd2', payload: {} }))
    t.equal(racing.filter(Boolean).length, 1, 'concurrent enqueues of one dedupeKey store one job')
  })

  t.test('claimJobs takes only the head of each orderKey, even while the head is leased', async t => {
    const s = await fresh(t, open)
    const a1 = await s.enqueue({ kind: 'k', orderKey: 'A', payload: 1 })
    const a2 = await s.enqueue({ kind: 'k', orderKey: 'A', payload: 2 })
    const b1 = await s.enqueue({ kind: 'k', orderKey: 'B', payload: 3 })
    const now = Date.now() + 10
    const first = await s.claimJobs('w1', 10, 5_000, now)
    t.same(ids(first).sort(), [a1!.jobId, b1!.jobId].sort(), 'heads of A and B')
    t.same(await s.claimJobs('w2', 10, 5_000, now + 1), [], 'a2 waits behind leased a1; leased jobs are not re-claimed')
    await s.completeJob(a1!.jobId, 'w1')
    t.same(ids(await s.claimJobs('w2', 10, 5_000, now + 2)), [a2!.jobId], 'a2 runs once a1 is done')
    t.equal((await byId(s, a1!.jobId))?.state, 'done')
  })

  t.test('claimJobs respects runAt and limit', async t => {
    const s = await fresh(t, open)
    const base = Date.now()
    const future = await s.enqueue({ kind: 'k', orderKey: 'F', payload: 0, runAt: base + 60_000 })
    for (let i = 0; i < 5; i++) await s.enqueue({ kind: 'k', orderKey: `K${i}`, payload: i })
    const now = Date.now() + 1
    t.equal((await s.claimJobs('w', 3, 1_000, now)).length, 3, 'limit caps the batch')
    t.equal((await s.claimJobs('w', 10, 1_000, now)).length, 2, 'the rest; the future job is not due')
    t.same(ids(await s.claimJobs('w', 10, 1_000, base + 60_000)).filter(id => id === future!.jobId), [future!.jobId], 'due at runAt')
  })

  t.test('an expired lease makes the job claimable again and the old owner loses it', async t => {
    const s = await fresh(t, open)
    const j = await s.enqueue({ kind: 'k', orderKey: 'A', payload: 'x' })
    const next = await s.enqueue({ kind: 'k', orderKey: 'A', payload: 'y' })
    const now = Date.now() + 10
    t.same(ids(await s.claimJobs('crashed', 5, 1_000, now)), [j!.jobId])
    t.same(await s.claimJobs('w2', 5, 1_000, now + 999), [], 'still leased')
    const again = await s.claimJobs('w2', 5, 1_000, now + 1_000)
    t.same(ids(again), [j!.jobId], 'the lease expired: the job runs again (crash recovery), before the next of its key')
    t.same(again[0].payload, 'x')
    await s.completeJob(j!.jobId, 'crashed')
    t.equal((await byId(s, j!.jobId))?.state, 'pending', 'the old owner cannot complete it')
    await s.retryJob(j!.jobId, 'crashed', now, 'late')
    await s.buryJob(j!.jobId, 'crashed', 'late')
    t.match(await byId(s, j!.jobId), { state: 'pending', attempts: 0 }, 'nor retry or bury it')
    t.equal((await byId(s, j!.jobId))?.lastError, undefined)
    await s.completeJob(j!.jobId, 'w2')
    t.same(ids(await s.claimJobs('w2', 5, 1_000, now + 1_001)), [next!.jobId])
  })

  t.test('retryJob counts the attempt, waits until runAt and keeps the key blocked', async t => {
    const s = await fresh(t, open)
    const { a1, a2, now } = await headClaimed(s)
    await s.retryJob(a1!.jobId, 'w', now + 5_000, 'HTTP 503')
    t.match(await byId(s, a1!.jobId), { state: 'pending', attempts: 1, lastError: 'HTTP 503', runAt: now + 5_000 })
    t.same(await s.claimJobs('w', 5, 60_000, now + 4_999), [], 'neither a1 (not due) nor a2 (blocked)')
    const retried = await s.claimJobs('w2', 5, 60_000, now + 5_000)
    t.same(ids(retried), [a1!.jobId])
    t.equal(retried[0].attempts, 1)
    await s.completeJob(a1!.jobId, 'w2')
    t.same(ids(await s.claimJobs('w2', 5, 60_000, now + 5_000)), [a2!.jobId])
  })

  t.test('buryJob makes a dead letter that unblocks its key; replayJob brings it back', async t => {
    const s = await fresh(t, open)
    const { a1, a2, now } = await headClaimed(s)
    await s.buryJob(a1!.jobId, 'w', 'HTTP 400')
    t.match(await byId(s, a1!.jobId), { state: 'dead', attempts: 1, lastError: 'HTTP 400' })
    t.same(ids(await s.listJobs({ state: 'dead' })), [a1!.jobId])
    t.same(ids(await s.claimJobs('w', 5, 60_000, now)), [a2!.jobId], 'the dead job no longer blocks its key')
    await s.completeJob(a2!.jobId, 'w')
    t.equal(await s.replayJob(a2!.jobId), false, 'only dead jobs replay')
    t.equal(await s.replayJob(a1!.jobId), true)
    t.equal(await s.replayJob(a1!.jobId), false, 'already replayed')
    t.match(await byId(s, a1!.jobId), { state: 'pending', attempts: 0 })
    const replayed = await s.claimJobs('w', 5, 60_000, Date.now() + 10)
    t.same(ids(replayed), [a1!.jobId])
    t.same(replayed[0].payload, 1, 'the payload survived death')
    t.equal(await s.replayJob('999999'), false, 'unknown job')
  })

  t.test('two concurrent claimers never get the same job', async t => {
    const s = await fresh(t, open)
    for (let i = 0; i < 40; i++) await s.enqueue({ kind: 'k', orderKey: `K${i % 20}`, payload: i })
    const now = Date.now() + 10
    const seen = new Map<string, string>()
    let rounds = 0
    while (seen.size < 40 && rounds++ < 50) {
      const batches = await concurrently(6, i => s.claimJobs(`w${i}`, 4, 60_000, now))
      for (const [i, batch] of batches.entries()) {
        for (const j of batch) {
          t.notOk(seen.has(String(j.jobId)), `job ${j.jobId} claimed once`)
          seen.set(String(j.jobId), `w${i}`)
        }
      }
      await Promise.all(batches.flatMap((batch, i) => batch.map(j => s.completeJob(j.jobId, `w${i}`))))
    }
    t.equal(seen.size, 40, 'every job claimed')
    t.equal((await s.listJobs({ state: 'done', limit: 1000 })).length, 40)
  })

  t.test('listJobs filters by state and kind in insertion order; outboxStats counts', async t => {
    const s = await fresh(t, open)
    const t0 = Date.now()
    const a = await s.enqueue({ kind: 'dfo', orderKey: 'A', payload: 1 })
    const b = await s.enqueue({ kind: 'platform', orderKey: 'B', payload: 2 })
    const c = await s.enqueue({ kind: 'dfo', orderKey: 'C', payload: 3 })
    t.same(ids(await s.listJobs({})), [a!.jobId, b!.jobId, c!.jobId])
    t.same(ids(await s.listJobs({ kind: 'dfo' })), [a!.jobId, c!.jobId])
    t.same(ids(await s.listJobs({ limit: 2 })), [a!.jobId, b!.jobId])
    const now = Date.now() + 10
    await s.claimJobs('w', 5, 60_000, now)
    await s.completeJob(a!.jobId, 'w')
    await s.buryJob(b!.jobId, 'w', 'bad')
    t.same(ids(await s.listJobs({ state: 'pending' })), [c!.jobId], 'a leased job is still pending')
    t.same(ids(await s.listJobs({ state: 'done', kind: 'dfo' })), [a!.jobId])
    t.same(ids(await s.listJobs({ state: 'dead', kind: 'dfo' })), [])
    const stats = await s.outboxStats(t0 + 100_000)
    t.equal(stats.pending, 1)
    t.equal(stats.dead, 1)
    t.equal(stats.oldestPendingAgeMs, t0 + 100_000 - c!.createdAt)
    await s.completeJob(c!.jobId, 'w')
    t.same(await s.outboxStats(), { pending: 0, dead: 1, oldestPendingAgeMs: 0 })
  })

  t.test('an empty outbox', async t => {
    const s = await fresh(t, open)
    t.same(await s.claimJobs('w', 10, 1_000), [])
    t.same(await s.listJobs({}), [])
    t.same(await s.outboxStats(), { pending: 0, dead: 0, oldestPendingAgeMs: 0 })
  })
}

/** The outbox port on two instances sharing one store: no job runs twice, a crashed instance's jobs run elsewhere. */
export function sharedOutboxConformance (t: Test, openPair: OpenPair<OutboxPort>): void {
  t.test('claimJobs racing on two instances: no job twice, per-key order kept', async t => {
    const [a, b] = await pair(t, openPair)
    for (let i = 0; i < 30; i++) await a.enqueue({ kind: 'k', orderKey: `K${i % 5}`, payload: i })
    const done: Array<{ key: string, payload: number }> = []
    const seen = new Set<string>()
    const worker = async (s: OutboxPort, owner: string): Promise<void> => {
      for (let round = 0; round < 200 && done.length < 30; round++) {
        const jobs = await s.claimJobs(owner, 3, 60_000)
        for (const j of jobs) {
          t.notOk(seen.has(String(j.jobId)), `job ${j.jobId} claimed once`)
          seen.add(String(j.jobId))
          done.push({ key: j.orderKey, payload: j.payload as number })
          await s.completeJob(j.jobId, owner)
        }
        if (jobs.length === 0) await new Promise(resolve => setImmediate(resolve))
      }
    }
    await Promise.all([worker(a, 'wa'), worker(b, 'wb'), worker(a, 'wa2'), worker(b, 'wb2')])
    t.equal(done.length, 30)
    for (let k = 0; k < 5; k++) {
      const order = done.filter(d => d.key === `K${k}`).map(d => d.payload)
      t.same(order, [...order].sort((x, y) => x - y), `K${k} ran in insertion order`)
    }
  })

  t.test('a job leased by a crashed instance runs on the other after the lease', async t => {
    const [a, b] = await pair(t, openPair)
    const job = await a.enqueue({ kind: 'k', orderKey: 'A', payload: 'x' })
    const now = Date.now() + 10
    t.equal((await a.claimJobs('instance-a', 1, 2_000, now)).length, 1)
    await a.close()
    t.same(await b.claimJobs('instance-b', 1, 2_000, now + 1_999), [])
    const again = await b.claimJobs('instance-b', 1, 2_000, now + 2_000)
    t.same(again.map(j => j.jobId), [job!.jobId])
  })
}
