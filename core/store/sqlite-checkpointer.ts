import { Worker } from 'node:worker_threads'
import { createRequire } from 'node:module'

// Runs in the worker (plain CommonJS, so it needs no TypeScript loader): its own connection to the same file.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path)
db.pragma('busy_timeout = 1000')
const pass = (mode) => {
  const started = performance.now()
  const [r] = db.pragma('wal_checkpoint(' + mode + ')')
  if (workerData.report) parentPort.postMessage({ mode, ms: performance.now() - started, ...r })
  return r
}
const checkpoint = () => {
  try {
    const r = pass('PASSIVE')
    if (r && r.log >= workerData.restartFrames) {
      // RESTART holds writers off while it copies what is left: a second PASSIVE first copies what was written
      // during the first one, so what is left is what one short pass let through (see below)
      pass('PASSIVE')
      // RESTART keeps the write lock while it waits for readers (another process's, on a shared file): give up
      // after 100 ms rather than hold every writer for the full second; the next round tries again
      db.pragma('busy_timeout = 100')
      try { pass('RESTART') } finally { db.pragma('busy_timeout = 1000') }
    }
  } catch { /* busy: next round */ }
}
const timer = setInterval(checkpoint, workerData.intervalMs)
parentPort.once('message', () => {
  clearInterval(timer)
  // whatever happens to the file (removed, busy), the port must close so the thread ends
  try { checkpoint(); db.close() } catch { /* nothing left to save */ } finally { parentPort.close() }
})
`

/** WAL frames (pages; 4 KiB each by default) past which a checkpoint also restarts the WAL: 64 MiB. */
export const RESTART_WAL_FRAMES = 16_384

/**
 * Moves WAL checkpoints off the event loop. With SQLite's automatic checkpoint, every ~1,000 pages one commit
 * on the hub's thread also copies the WAL into the database and fsyncs it: 50-260 ms stalls on this project's
 * 2-core CI box, and 3x the mean commit cost (bench: `npm run bench`, event-loop lag and p99). The store turns
 * automatic checkpoints off and this worker thread runs a PASSIVE checkpoint (never blocks writers) every second.
 *
 * PASSIVE alone never lets the WAL start over under steady writes: SQLite rewinds the WAL only when a write begins
 * while every frame is already copied back, and at 300 msg/s a commit always lands while the checkpoint copies.
 * The WAL then grew by ~20 MiB/s to 600 MiB in L-1's minute (bench/p999-stalls.ts), and would fill the disk in a
 * day. So once the WAL holds RESTART_WAL_FRAMES, a RESTART follows two PASSIVE passes: it waits (here, on the
 * worker) for the hub's current write, copies the few frames written since, and makes the next write rewind the
 * WAL. The hub's writes wait that long (their busy timeout sleeps); the store's journal_size_limit then trims the file.
 */
/** One checkpoint pass as the worker ran it: SQLite's answer (busy, WAL frames, frames copied) and how long it took. */
export interface CheckpointPass { mode: 'PASSIVE' | 'RESTART', ms: number, busy: number, log: number, checkpointed: number }

export class WalCheckpointer {
  private readonly worker: Worker
  private readonly exited: Promise<void>

  /** onPass: each pass's figures (benches; a RESTART's duration bounds how long the hub's writes waited) */
  constructor (path: string, intervalMs = 1000, restartFrames = RESTART_WAL_FRAMES, onPass?: (pass: CheckpointPass) => void) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    this.worker = new Worker(WORKER, { eval: true, execArgv: [], workerData: { path, intervalMs, restartFrames, driver, report: onPass !== undefined } })
    if (onPass) this.worker.on('message', onPass)
    this.worker.unref() // never keeps a process alive
    this.exited = new Promise(resolve => this.worker.once('exit', () => resolve()))
    this.worker.on('error', () => { /* a failed checkpointer only means checkpoints wait for close() */ })
  }

  /** A last checkpoint, then the worker's connection closes (before the store's own, which removes the WAL). */
  async stop (): Promise<void> {
    this.worker.ref() // keep the process alive until the worker is done (it is unref'd while idle)
    this.worker.postMessage('stop')
    let timer: NodeJS.Timeout | undefined
    const done = await Promise.race([this.exited.then(() => true), new Promise<false>(resolve => { timer = setTimeout(() => resolve(false), 5000) })])
    clearTimeout(timer)
    // a worker that did not finish in time must not hold the process open
    if (!done) await this.worker.terminate()
  }
}
