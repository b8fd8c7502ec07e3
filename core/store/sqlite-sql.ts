import type Database from 'better-sqlite3'

export type Row = Record<string, any> // intentional any: better-sqlite3 rows are untyped

/** What every SQLite port works through: one connection, its compiled statements and its write transactions. */
export class SqliteSql {
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

  /** IMMEDIATE: takes the write lock at the start, so a claim read inside holds across processes sharing the file. */
  tx<T> (fn: () => T): T {
    return this.db.transaction(fn).immediate()
  }
}
