import t from 'tap'
import { fork } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SqliteStore } from '../../core/store/sqlite.js'
import type { RaceResult } from './sqlite-race-worker.js'

const WORKER = fileURLToPath(new URL('./sqlite-race-worker.ts', import.meta.url))

function startWorker (): Promise<{ run: (msg: unknown) => Promise<RaceResult> }> {
  const child = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('message', () => resolve({
      run: msg => new Promise((resolve, reject) => {
        child.once('message', r => resolve(r as RaceResult))
        child.once('exit', code => { if (code !== 0) reject(new Error(`worker exited with ${code}`)) })
        child.send(msg as object)
      })
    }))
  })
}

t.test('three processes sharing one SQLite file: one open thread, each job once, per-key order kept', async t => {
  const file = join(t.testdir(), 'shared.db')
  const setup = new SqliteStore(file)
  t.teardown(() => setup.close())
  const keys = 5
  const JOBS = 150
  for (let k = 0; k < keys; k++) await setup.openThread('ch-1', `log-${k}`, `log-K${k}`)
  for (let i = 0; i < JOBS; i++) await setup.enqueue({ kind: 'k', orderKey: `K${i % keys}`, payload: i })

  const workers = await Promise.all([startWorker(), startWorker(), startWorker()])
  const results = await Promise.all(workers.map(w => w.run({ file, startAt: Date.now() + 500 })))

  t.equal(results.reduce((n, r) => n + r.created, 0), 1, 'exactly one process created the thread')
  t.equal(new Set(results.flatMap(r => r.openedThreads)).size, 1, 'all saw the same open thread')
  const claimed = results.flatMap(r => r.claimed.map(String))
  t.equal(claimed.length, JOBS, 'each job claimed once (no lease was allowed to expire)')
  t.equal(new Set(claimed).size, JOBS)
  t.comment(`jobs per process: ${results.map(r => r.claimed.length).join(', ')}`)
  for (let k = 0; k < keys; k++) {
    const log = await setup.listMessages(`log-K${k}`)
    t.same(log.map(m => m.seq), log.map((_, i) => i + 1), `K${k} log seq gap-free`)
    const payloads = log.map(m => Number(m.text))
    t.same(payloads, [...payloads].sort((a, b) => a - b), `K${k} ran in insertion order`)
  }
  t.same(await setup.outboxStats(), { pending: 0, dead: 0, oldestPendingAgeMs: 0 })
})
