import { Worker } from 'node:worker_threads'
import { createRequire } from 'node:module'

// Runs in the worker (plain CommonJS, so it needs no TypeScript loader): its own connection to the same file.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path)
db.pragma('busy_timeout = 1000')
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)') } catch { /* busy: next round */ } }
const timer = setInterval(checkpoint, workerData.intervalMs)
parentPort.once('message', () => {
  clearInterval(timer)
  // whatever happens to the file (removed, busy), the port must close so the thread ends
  try { checkpoint(); db.close() } catch { /* nothing left to save */ } finally { parentPort.close() }
})
`

/**
 * Moves WAL checkpoints off the event loop. With SQLite's automatic checkpoint, every ~1,000 pages one commit
 * on the hub's thread also copies the WAL into the database and fsyncs it: 50-260 ms stalls on this project's
 * 2-core CI box, and 3x the mean commit cost (bench: `npm run bench`, event-loop lag and p99). The store turns
 * automatic checkpoints off and this worker thread runs a PASSIVE checkpoint (never blocks writers) every second.
 */
export class WalCheckpointer {
  private readonly worker: Worker
  private readonly exited: Promise<void>

  constructor (path: string, intervalMs = 1000) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    this.worker = new Worker(WORKER, { eval: true, execArgv: [], workerData: { path, intervalMs, driver } })
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
