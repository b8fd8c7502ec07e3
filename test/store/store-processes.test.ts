import t, { type Test } from 'tap'
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { openStore, type StoreConfig } from '../../core/store/index.js'
import type { RaceResult } from './store-race-worker.js'
import { redisUrl } from './redis-server.js'
import { testDir } from '../test-dir.js'

const WORKER = fileURLToPath(new URL('./store-race-worker.ts', import.meta.url))

function startWorker (): Promise<{ run: (msg: unknown) => Promise<RaceResult> }> {
  const child = fork(WORKER, ['--race-worker'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
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

/** Three processes on one store: one open thread, each job once, per-key order kept. */
async function raceProcesses (t: Test, cfg: StoreConfig): Promise<void> {
  const setup = await openStore(cfg)
  t.teardown(() => setup.close())
  const keys = 5
  const JOBS = 150
  for (let k = 0; k < keys; k++) await setup.openThread('ch-1', `log-${k}`, `log-K${k}`)
  for (let i = 0; i < JOBS; i++) await setup.enqueue({ kind: 'k', orderKey: `K${i % keys}`, payload: i })

  const workers = await Promise.all([startWorker(), startWorker(), startWorker()])
  // a shared start time, so the processes really overlap
  const results = await Promise.all(workers.map(w => w.run({ cfg, startAt: Date.now() + 500 })))

  t.equal(results.reduce((n, r) => n + r.created, 0), 1, 'exactly one process created the thread')
  t.equal(new Set(results.flatMap(r => r.openedThreads)).size, 1, 'all saw the same open thread')
  const claimed = results.flatMap(r => r.claimed.map(String))
  t.equal(claimed.length, JOBS, 'each job claimed once (no lease was allowed to expire)')
  t.equal(new Set(claimed).size, JOBS)
  t.comment(`jobs per process: ${results.map(r => r.claimed.length).join(', ')}`)
  for (let k = 0; k < keys; k++) {
    const log = await setup.listMessages('ch-1', `log-K${k}`)
    t.same(log.map(m => m.seq), log.map((_, i) => i + 1), `K${k} log seq gap-free`)
    const payloads = log.map(m => Number(m.text))
    t.same(payloads, [...payloads].sort((a, b) => a - b), `K${k} ran in insertion order`)
  }
  t.same(await setup.outboxStats(), { pending: 0, dead: 0, oldestPendingAgeMs: 0 })
}

t.test('three processes sharing one SQLite file', async t => {
  await raceProcesses(t, { driver: 'sqlite', path: join(testDir(t), 'shared.db') })
})

t.test('three processes sharing one Redis prefix', async t => {
  const url = await redisUrl()
  const keyPrefix = `byoc-test:${randomBytes(6).toString('hex')}:`
  t.teardown(async () => {
    const admin = new Redis(url)
    const stale = await admin.keys(`*${keyPrefix}*`)
    if (stale.length) await admin.del(...stale)
    await admin.quit()
  })
  await raceProcesses(t, { driver: 'redis', url, keyPrefix })
})
