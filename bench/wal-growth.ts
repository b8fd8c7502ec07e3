import Database from 'better-sqlite3'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import { RESTART_WAL_FRAMES, WalCheckpointer, type CheckpointPass } from '../core/store/sqlite-checkpointer.js'
import { percentiles } from './lib/probes.js'
import { textTable } from './lib/report.js'
import type { Row } from './lib/context.js'
import { walRestarts } from '../test/store/wal-header.js'

/**
 * The WAL under L-1's write rate (300 msg/s x ~8 commits = 2,400 commits/s), with the checkpointer as shipped
 * (PASSIVE, then RESTART past RESTART_WAL_FRAMES) against the baseline it replaced (PASSIVE only), in turns in
 * one run. What it shows: the WAL's peak and final size, and what the RESTART costs the writing thread (commit
 * time, loop lateness), since that thread waits while a RESTART holds the write lock.
 *
 *   TS_NODE_TRANSPILE_ONLY=1 node --import=@isaacs/ts-node-temp-fork-for-pr-2009/import bench/wal-growth.ts [--seconds=15] [--rounds=2]
 */
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '15' }, rounds: { type: 'string', default: '2' }, rate: { type: 'string', default: '2400' } } })
const seconds = Number(values.seconds)
const commitsPerSecond = Number(values.rate)
const BATCH_EVERY_MS = 10

interface Result { walPeak: number, walEnd: number, restarts: number, commits: number, commitMs: number[], lateMs: number[], passes: CheckpointPass[] }

async function run (restartFrames: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'byoc-wal-'))
  const path = join(dir, 'hub.db')
  const db = new Database(path)
  // as SqliteStore sets it up
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('busy_timeout = 5000')
  db.pragma('wal_autocheckpoint = 0')
  db.pragma(`journal_size_limit = ${RESTART_WAL_FRAMES * 4096}`)
  db.exec(`CREATE TABLE messages (id INTEGER PRIMARY KEY, thread TEXT, body TEXT, at INTEGER);
    CREATE INDEX messages_thread ON messages (thread, at)`)
  const passes: CheckpointPass[] = []
  const checkpointer = new WalCheckpointer(path, 1000, restartFrames, pass => passes.push(pass))
  const insert = db.prepare('INSERT INTO messages (thread, body, at) VALUES (?, ?, ?)')
  const body = 'x'.repeat(300)
  const walPath = `${path}-wal`
  const firstRestarts = walRestarts(walPath)
  const result: Result = { walPeak: 0, walEnd: 0, restarts: 0, commits: 0, commitMs: [], lateMs: [], passes }
  const perBatch = Math.round(commitsPerSecond * BATCH_EVERY_MS / 1000)
  const started = performance.now()
  let due = started
  while (performance.now() - started < seconds * 1000) {
    for (let i = 0; i < perBatch; i++, result.commits++) {
      const t0 = performance.now()
      insert.run(`thread-${result.commits % 500}`, body, Date.now())
      result.commitMs.push(performance.now() - t0)
    }
    result.walPeak = Math.max(result.walPeak, statSync(walPath).size)
    due += BATCH_EVERY_MS
    await sleep(Math.max(0, due - performance.now()))
    result.lateMs.push(Math.max(0, performance.now() - due))
  }
  result.walEnd = statSync(walPath).size
  result.restarts = walRestarts(walPath) - firstRestarts
  await checkpointer.stop()
  db.close()
  rmSync(dir, { recursive: true, force: true })
  return result
}

const BASELINE = 'PASSIVE only (before)'
const SHIPPED = 'PASSIVE + RESTART (shipped)'
const variants: Array<[string, number]> = [[BASELINE, Number.MAX_SAFE_INTEGER], [SHIPPED, RESTART_WAL_FRAMES]]
const results = new Map<string, Result[]>()
for (let round = 0; round < Number(values.rounds); round++) {
  for (const [name, frames] of variants) {
    process.stderr.write(`[wal-growth] round ${round + 1}: ${name}\n`)
    results.set(name, [...(results.get(name) ?? []), await run(frames)])
  }
}
// the bench's own table: "hub" is the shipped checkpointer, "baseline" the PASSIVE-only one it replaced
const all = (name: string, pick: (r: Result) => number[]): number[] => results.get(name)!.flatMap(pick)
const worst = (name: string, pick: (r: Result) => number): number => Math.max(...results.get(name)!.map(pick))
const mib = (b: number): number => b / 2 ** 20
const scenario = `WAL at ${commitsPerSecond} commits/s`
const rows: Row[] = [
  { scenario, metric: 'WAL file, largest', unit: 'MiB', hub: mib(worst(SHIPPED, r => r.walPeak)), baseline: mib(worst(BASELINE, r => r.walPeak)) },
  { scenario, metric: 'WAL file at the end', unit: 'MiB', hub: mib(worst(SHIPPED, r => r.walEnd)), baseline: mib(worst(BASELINE, r => r.walEnd)) },
  { scenario, metric: 'WAL restarts', unit: 'count', hub: worst(SHIPPED, r => r.restarts), baseline: worst(BASELINE, r => r.restarts) },
  { scenario, metric: 'PASSIVE pass, longest (off the loop)', unit: 'ms', hub: worst(SHIPPED, r => Math.max(0, ...r.passes.filter(p => p.mode === 'PASSIVE').map(p => p.ms))), baseline: worst(BASELINE, r => Math.max(0, ...r.passes.filter(p => p.mode === 'PASSIVE').map(p => p.ms))) },
  { scenario, metric: 'RESTART pass, longest (writers wait)', unit: 'ms', hub: worst(SHIPPED, r => Math.max(0, ...r.passes.filter(p => p.mode === 'RESTART').map(p => p.ms))), note: `${all(SHIPPED, r => r.passes.filter(p => p.mode === 'RESTART').map(p => p.ms)).map(ms => ms.toFixed(0)).join(', ')} ms; the baseline has none` },
  { scenario, metric: 'commit p99', unit: 'ms', hub: percentiles(all(SHIPPED, r => r.commitMs)).p99, baseline: percentiles(all(BASELINE, r => r.commitMs)).p99 },
  { scenario, metric: 'commit max', unit: 'ms', hub: percentiles(all(SHIPPED, r => r.commitMs)).max, baseline: percentiles(all(BASELINE, r => r.commitMs)).max },
  { scenario, metric: 'loop lateness p99', unit: 'ms', hub: percentiles(all(SHIPPED, r => r.lateMs)).p99, baseline: percentiles(all(BASELINE, r => r.lateMs)).p99 },
  { scenario, metric: 'loop lateness max', unit: 'ms', hub: percentiles(all(SHIPPED, r => r.lateMs)).max, baseline: percentiles(all(BASELINE, r => r.lateMs)).max }
]
process.stdout.write(`${Number(values.rounds)} rounds of ${seconds} s each, the two checkpointers in turns; hub = shipped, baseline = PASSIVE only\n`)
process.stdout.write(textTable(rows, false) + '\n')
