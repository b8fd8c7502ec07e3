import t from 'tap'
import { once, getEventListeners } from 'node:events'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { SqliteStore } from '../../core/store/sqlite.js'
import { OutboxWorker } from '../../core/delivery/outbox-worker.js'
import { jobSignal } from '../../core/delivery/job-signal.js'
import { withTimeout } from '../../core/delivery/http-retry.js'
import { eventually } from '../helper.js'
import { testDir } from '../test-dir.js'

const quietLog = { warn: () => {}, error: () => {}, info: () => {}, debug: () => {}, trace: () => {}, child () { return this } } as never

/**
 * What a signal holds on behalf of others: its abort listeners, plus the sets Node keeps under symbol keys (on
 * Node 20, AbortSignal.any() adds a WeakRef per call to each source's set of dependants and never removes it).
 */
const heldBy = (signal: AbortSignal): number =>
  getEventListeners(signal, 'abort').length +
  Object.getOwnPropertySymbols(signal).map(s => (signal as unknown as Record<symbol, { size?: unknown } | undefined>)[s]?.size)
    .reduce<number>((n, size) => n + (typeof size === 'number' ? size : 0), 0) // Node's own SafeSet/SafeMap: not `instanceof Set` here

t.test('the worker\'s shutdown signal keeps nothing per job once the jobs are done (issue 14: soak heap growth)', async t => {
  const server = createServer((_req, res) => res.end('ok'))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => server.close())
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`
  const store = new SqliteStore(join(testDir(t, {}), 'hub.db'))
  t.teardown(() => store.close())
  const JOBS = 300
  // each job calls out the way the CXone client does: the job's signal combined with a per-call timeout
  const worker = new OutboxWorker({
    store, log: quietLog, maxAttempts: 3, retryBaseMs: 10, retryMaxMs: 100, leaseMs: 30_000, concurrency: 8,
    handlers: { 'test.call': async (_job, signal) => { await (await fetch(url, { signal: withTimeout(5_000, signal) })).text() } }
  })
  for (let i = 0; i < JOBS; i++) await store.enqueue({ kind: 'test.call', orderKey: `o-${i % 20}`, payload: { i } })
  worker.start()
  t.teardown(() => worker.stop(0))
  await eventually(async () => (await store.listJobs({ state: 'done' })).length === JOBS, 30_000, 'every job done')
  const shutdown = (worker as unknown as { abort: AbortController }).abort.signal
  t.equal(heldBy(shutdown), 0, `after ${JOBS} jobs the shutdown signal holds no listener and no dependant`)
})

t.test('a job signal aborts on shutdown, or with a TimeoutError after its time; release leaves nothing behind', async t => {
  const shutdown = new AbortController()
  const a = jobSignal(shutdown.signal, 60_000)
  const b = jobSignal(shutdown.signal, 60_000)
  t.equal(getEventListeners(shutdown.signal, 'abort').length, 2, 'one listener per running job')
  b.release()
  t.equal(getEventListeners(shutdown.signal, 'abort').length, 1, 'a released job is forgotten')
  shutdown.abort(new Error('stopping'))
  t.equal(a.signal.aborted, true, 'shutdown aborts a running job')
  t.equal((a.signal.reason as Error).message, 'stopping', 'with the shutdown reason')
  t.equal(b.signal.aborted, false, 'a released job is not aborted any more')
  a.release()
  t.equal(jobSignal(shutdown.signal, 60_000).signal.aborted, true, 'a job started after shutdown starts aborted')

  const timed = jobSignal(new AbortController().signal, 5)
  t.teardown(() => timed.release())
  const keepAlive = setInterval(() => {}, 1000) // the deadline's timer is unref'd, as AbortSignal.timeout's is
  await once(timed.signal, 'abort')
  clearInterval(keepAlive)
  t.equal((timed.signal.reason as DOMException).name, 'TimeoutError', 'a lapsed deadline is a TimeoutError, as AbortSignal.timeout gives')
})
