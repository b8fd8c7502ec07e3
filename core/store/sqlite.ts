import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { migrateSqlite } from './sqlite-migrate.js'
import { RESTART_WAL_FRAMES, WalCheckpointer } from './sqlite-checkpointer.js'
import { ExpiredRowPurger, type ExpiryPurgeOptions } from './sqlite-expiry.js'
import { SqliteSql } from './sqlite-sql.js'
import { sqliteConversations } from './sqlite-conversations.js'
import { sqliteInbound } from './sqlite-inbound.js'
import { sqliteOutbox } from './sqlite-outbox.js'
import { sqliteTimers } from './sqlite-timers.js'
import { sqliteDocuments, sqliteLeases, sqliteSigningKeys } from './sqlite-keys-docs.js'
import { sqlitePrivacy } from './sqlite-privacy.js'
import { portsBase } from './ports-base.js'
import type { Store, StorePorts } from './types.js'

/** Opens the file in WAL mode and brings its schema up to date. */
function openDatabase (path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL') // durable across process crashes in WAL mode; fsync at checkpoint
  db.pragma('busy_timeout = 5000')
  migrateSqlite(db)
  return db
}

/**
 * Port methods the turns leave alone: `records` hands out batches as it reads them (an async iterable, not one
 * answer), and `scrub` checkpoints the WAL, which no open transaction may hold (it commits the open turn itself).
 */
const OUTSIDE_TURNS = new Set(['records', 'scrub'])

/** Port methods that only read: they run outside any transaction unless a turn's writes are still uncommitted. */
const READS = /^(get|list|find|count|recall|outboxStats$)/

/**
 * Every port method through the group commit (sqlite-sql.ts): writes join the turn's transaction and answer after
 * its commit. The ports stay plain synchronous SQL, each in its own file; the batching is this one wrapper.
 */
function groupCommitted (sql: SqliteSql, ports: StorePorts): StorePorts {
  const wrapped: Record<string, unknown> = {}
  for (const [name, method] of Object.entries(ports) as Array<[string, (...args: unknown[]) => Promise<unknown>]>) {
    wrapped[name] = OUTSIDE_TURNS.has(name)
      ? method
      : READS.test(name)
        ? (...args: unknown[]) => sql.read(() => method(...args))
        : (...args: unknown[]) => sql.write(() => method(...args))
  }
  return wrapped as unknown as StorePorts
}

/**
 * The embedded default: one SQLite file in WAL mode. Several processes may share the file on one machine;
 * every claim is a conditional UPDATE inside an IMMEDIATE transaction, so leases hold across processes.
 * Each port lives in its own file (sqlite-conversations.ts, sqlite-outbox.ts, sqlite-timers.ts,
 * sqlite-keys-docs.ts), all over this one connection: a message and its job, a timer and its job, commit together.
 */
export class SqliteStore extends portsBase<StorePorts>() implements Store {
  readonly driver = 'sqlite'
  private readonly sql: SqliteSql
  private readonly checkpointer: WalCheckpointer | undefined
  private readonly purger: ExpiredRowPurger

  constructor (path: string, options: { readonly expiryPurge?: ExpiryPurgeOptions } = {}) {
    const db = openDatabase(path)
    const sql = new SqliteSql(db)
    super(groupCommitted(sql, {
      ...sqliteConversations(sql), ...sqliteInbound(sql), ...sqliteOutbox(sql), ...sqliteTimers(sql),
      ...sqliteSigningKeys(sql), ...sqliteDocuments(sql), ...sqliteLeases(sql), ...sqlitePrivacy(sql)
    }))
    this.sql = sql
    if (path !== ':memory:') {
      // checkpoints (copy + fsync) run on a worker thread, not inside whichever commit crosses 1,000 WAL pages
      db.pragma('wal_autocheckpoint = 0')
      // when the WAL starts over (after the checkpointer's RESTART) the file is cut back to this: a burst's WAL does
      // not keep its disk space for good
      db.pragma(`journal_size_limit = ${RESTART_WAL_FRAMES * 4096}`)
      this.checkpointer = new WalCheckpointer(path)
    }
    this.purger = new ExpiredRowPurger(db, options.expiryPurge)
  }

  /** Deletes idempotency rows expired at `now` (one bounded round); the store also does so every minute by itself. */
  purgeExpired (now = Date.now()): Promise<number> {
    return this.purger.purge(now)
  }

  async ping (): Promise<void> {
    this.sql.prepare('SELECT 1').get()
  }

  async close (): Promise<void> {
    const { db } = this.sql
    if (!db.open) return
    try {
      await this.purger.stop()
      this.sql.flush()
      await this.checkpointer?.stop()
    } finally {
      // the connection closes even if the checkpointer could not finish
      if (db.open) db.close()
    }
  }
}
