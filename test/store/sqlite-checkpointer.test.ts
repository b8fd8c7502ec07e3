import t from 'tap'
import Database from 'better-sqlite3'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { WalCheckpointer } from '../../core/store/sqlite-checkpointer.js'
import { walRestarts } from './wal-header.js'
import { testDir } from '../test-dir.js'

const PAGE = 4096
const RESTART_FRAMES = 256 // 1 MiB: small, so the test writes MiBs rather than the shipped 64 MiB

t.test('under steady writes the WAL starts over and stays bounded (a PASSIVE checkpoint alone never lets it)', async t => {
  const path = join(testDir(t), 'hub.db')
  const db = new Database(path)
  // configured as SqliteStore does, with the limits scaled down
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('busy_timeout = 5000')
  db.pragma('wal_autocheckpoint = 0')
  db.pragma(`journal_size_limit = ${RESTART_FRAMES * PAGE}`)
  db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body BLOB)')
  const checkpointer = new WalCheckpointer(path, 20, RESTART_FRAMES)
  t.teardown(async () => { await checkpointer.stop(); db.close() })

  const insert = db.prepare('INSERT INTO rows (body) VALUES (?)')
  const body = Buffer.alloc(100, 7) // one WAL frame (page) a commit
  const walPath = `${path}-wal`
  let commits = 0
  // like a busy hub: commits back to back, the loop free only between batches, so a commit lands during every
  // checkpoint and nothing but the RESTART can let the WAL start over
  const batch = async (pauseMs = 0): Promise<number> => {
    for (let i = 0; i < 20; i++, commits++) insert.run(body)
    await sleep(pauseMs)
    return statSync(walPath).size
  }
  // the worker thread takes a moment to start (longer on a loaded machine): write slowly, with pauses in which any
  // checkpoint catches up, until the WAL has started over once, i.e. the worker runs (never: 80 MiB, failed)
  const before = walRestarts(walPath)
  while (walRestarts(walPath) === before && commits < 20_000) await batch(5)
  t.ok(walRestarts(walPath) > before, `the WAL started over (after ${commits} commits)`)
  // from then on its size is bounded by what is written between two checkpoints, not by what was ever written
  let largestWal = 0
  const from = commits
  while (commits < from + 16_000) largestWal = Math.max(largestWal, await batch())
  const written = (commits - from) * PAGE
  t.ok(largestWal < written / 4, `the WAL peaked at ${(largestWal / 2 ** 20).toFixed(1)} MiB while ${(written / 2 ** 20).toFixed(0)} MiB were written`)
  t.equal((db.prepare('SELECT COUNT(*) AS n FROM rows').get() as { n: number }).n, commits, 'every commit is there')
})
