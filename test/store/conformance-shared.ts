import type { Test } from 'tap'
import type { Store } from '../../core/store/types.js'
import { concurrently, newMessage } from './conformance-kit.js'

/** Opens two stores over the same data (two connections or two instances); the suite closes both. */
export type OpenPair = (t: Test) => Promise<[Store, Store]>

async function pair (t: Test, openPair: OpenPair): Promise<[Store, Store]> {
  const stores = await openPair(t)
  t.teardown(async () => { for (const s of stores) await s.close() })
  return stores
}

/** Races between two instances sharing one store: what several hub processes rely on. */
export function runSharedStoreConformance (t: Test, name: string, openPair: OpenPair): Promise<void> {
  return t.test(`shared store conformance: ${name}`, async t => {
    t.test('openThread racing on two instances opens one thread', async t => {
      const [a, b] = await pair(t, openPair)
      const results = await concurrently(20, i => (i % 2 ? a : b).openThread('ch-1', 'c1', `cand-${i}`))
      t.equal(results.filter(r => r.created).length, 1)
      t.equal(new Set(results.map(r => r.thread.threadId)).size, 1)
      t.same(await b.findCurrentThread('ch-1', 'c1'), await a.findCurrentThread('ch-1', 'c1'))
    })

    t.test('insertMessage racing on two instances keeps seq gap-free', async t => {
      const [a, b] = await pair(t, openPair)
      await a.openThread('ch-1', 'c1', 'th-1')
      const results = await concurrently(40, i => (i % 2 ? a : b).insertMessage(newMessage('th-1', `m${i % 20}`)))
      t.equal(results.filter(r => r.created).length, 20)
      t.same((await b.listMessages('ch-1', 'th-1')).map(m => m.seq), Array.from({ length: 20 }, (_, i) => i + 1))
    })

    t.test('claimJobs racing on two instances: no job twice, per-key order kept', async t => {
      const [a, b] = await pair(t, openPair)
      for (let i = 0; i < 30; i++) await a.enqueue({ kind: 'k', orderKey: `K${i % 5}`, payload: i })
      const done: Array<{ key: string, payload: number }> = []
      const seen = new Set<string>()
      const worker = async (s: Store, owner: string): Promise<void> => {
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

    t.test('timers and leases are shared: each timer taken once, one lease holder', async t => {
      const [a, b] = await pair(t, openPair)
      for (let i = 0; i < 30; i++) await a.setTimer({ key: `t${i}`, kind: 'k', dueAt: i, payload: i })
      const batches = await concurrently(6, i => (i % 2 ? a : b).takeDueTimers(100, 7))
      const keys = batches.flat().map(x => x.key)
      t.equal(new Set(keys).size, keys.length)
      t.equal(keys.length + (await b.takeDueTimers(100, 100)).length, 30)
      const wins = await concurrently(10, i => (i % 2 ? a : b).tryLease('token-refresh', `o${i}`, 60_000))
      t.equal(wins.filter(Boolean).length, 1)
      t.equal(await b.closeThread('ch-1', 'nope', 'x'), false)
    })
  }).then(() => undefined)
}
