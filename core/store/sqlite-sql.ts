import type Database from 'better-sqlite3'

export type Row = Record<string, any> // intentional any: better-sqlite3 rows are untyped

/**
 * The connections of this process with a turn's transaction open. Two connections on one file in one process (two
 * hubs in a test, a CLI beside a hub) must not wait for each other's write lock: the holder commits only on a later
 * turn of the same event loop, which the waiter's busy_timeout blocks. So a connection about to begin commits the
 * others' open turns first; their callers are answered a little earlier, nothing else changes.
 */
const openTurns = new Set<SqliteSql>()

interface Batch { readonly committed: Promise<void>, resolve (): void, reject (err: unknown): void }

/**
 * What every SQLite port works through: one connection, its compiled statements and its write transactions.
 *
 * Group commit: every store write made in one turn of the event loop goes into one IMMEDIATE transaction, committed
 * on `setImmediate` (the check phase, after the turn's I/O callbacks and their promise continuations). Each caller
 * is answered only once that commit is done, so "stored before the 2xx" holds, while a busy hub appends to the WAL
 * once per turn instead of once per store call (an agent reply made 4 commits, its delivery 3). A failing
 * statement takes only its own call down: multi-statement calls (`tx`) run as savepoints inside the turn's
 * transaction, and a single statement is atomic by itself. Reads made while a turn's transaction is open see its
 * writes, so they too are answered only after the commit: nothing is acted on before it is durable.
 */
export class SqliteSql {
  private batch: Batch | undefined

  constructor (readonly db: Database.Database) {}

  /**
   * Statements are compiled once per SQL text and reused (every text here is a constant, or one of a few filter
   * combinations). Compiling on every call was ~30% of the store's CPU time and ~12% of the hub's on the agent
   * reply path (bench/store-micro.ts, `npm run bench -- --profile`).
   */
  private readonly statements = new Map<string, Database.Statement>()
  prepare (sql: string): Database.Statement {
    let statement = this.statements.get(sql)
    if (statement === undefined) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  /**
   * IMMEDIATE: takes the write lock at the start, so a claim read inside holds across processes sharing the file.
   * Inside the turn's transaction (always, for a call made through `write`) better-sqlite3 makes it a savepoint.
   */
  tx<T> (fn: () => T): T {
    return this.db.transaction(fn).immediate()
  }

  /**
   * Runs a store call that may write (a port method: synchronous SQL in an async function) inside this turn's
   * transaction, and answers once that transaction is committed.
   */
  write<T> (call: () => Promise<T>): Promise<T> {
    let batch: Batch | undefined
    try {
      batch = this.open()
    } catch (err) {
      return Promise.reject(err) // the write lock was not to be had (another process past busy_timeout)
    }
    return this.after(call, batch)
  }

  /** Runs a read; while a turn's transaction is open it may have read that turn's writes, so it waits for the commit. */
  read<T> (call: () => Promise<T>): Promise<T> {
    return this.after(call, this.batch)
  }

  /** Commits the open turn now (before the connection closes). */
  flush (): void {
    this.commit()
  }

  private after<T> (call: () => Promise<T>, batch: Batch | undefined): Promise<T> {
    let result: Promise<T>
    try {
      result = Promise.resolve(call())
    } catch (err) {
      result = Promise.reject(err)
    }
    if (batch === undefined) return result
    return result.then(value => batch.committed.then(() => value))
  }

  private open (): Batch | undefined {
    if (this.batch) return this.batch
    // a transaction the ports did not open (a migration, a caller holding the connection): statements join it
    if (this.db.inTransaction) return undefined
    for (const other of openTurns) other.commit()
    this.db.exec('BEGIN IMMEDIATE')
    openTurns.add(this)
    let resolve!: () => void
    let reject!: (err: unknown) => void
    const committed = new Promise<void>((res, rej) => { resolve = res; reject = rej })
    committed.catch(() => {}) // a batch nobody waits on (only failed calls in it) must not be an unhandled rejection
    this.batch = { committed, resolve, reject }
    setImmediate(() => this.commit())
    return this.batch
  }

  private commit (): void {
    const batch = this.batch
    if (batch === undefined) return
    this.batch = undefined
    openTurns.delete(this)
    try {
      // SQLite rolls a whole transaction back on some errors (disk full, I/O): then nothing of this turn is stored
      if (!this.db.inTransaction) throw new Error('the write transaction of this turn was rolled back')
      this.db.exec('COMMIT')
      batch.resolve()
    } catch (err) {
      if (this.db.inTransaction) {
        try { this.db.exec('ROLLBACK') } catch { /* already rolled back */ }
      }
      batch.reject(err)
    }
  }
}
