import type Database from 'better-sqlite3'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'

export interface ExpiryPurgeOptions {
  /** how often a round runs (default 60 s) */
  readonly intervalMs?: number
  /** rows one DELETE removes at most: one batch is one short write on the hub's thread (default 1,000) */
  readonly batchSize?: number
  /** batches in one round at most, the event loop served between them (default 50: 50,000 rows a minute) */
  readonly maxBatches?: number
}

/**
 * Deletes expired idempotency rows. Reads already ignore them (`expires_at > now`), but nothing removed them: the
 * webhook pipeline keeps one answer per webhook-id for 26 h, so a busy channel grew the table without end. Redis
 * needs none of this (PX TTLs). Rounds are bounded (batches of `batchSize` by the expires_at index, at most
 * `maxBatches` a round, yielding between batches) so a backlog is worked off over several rounds, never in one
 * long stall. Several processes on one file may all purge: a DELETE of rows already gone deletes nothing.
 */
export class ExpiredRowPurger {
  private readonly deleteBatch: Database.Statement<[number, number]>
  private readonly batchSize: number
  private readonly maxBatches: number
  private readonly timer: NodeJS.Timeout
  private round: Promise<number> | undefined
  private stopped = false

  constructor (db: Database.Database, options: ExpiryPurgeOptions = {}) {
    this.batchSize = options.batchSize ?? 1000
    this.maxBatches = options.maxBatches ?? 50
    this.deleteBatch = db.prepare('DELETE FROM idempotency WHERE rowid IN (SELECT rowid FROM idempotency WHERE expires_at <= ? LIMIT ?)')
    this.timer = setInterval(() => { void this.purge() }, options.intervalMs ?? 60_000)
    this.timer.unref() // never keeps a process alive
  }

  /** One round (or the one already running): deletes rows expired at `now`, and resolves to how many went. */
  purge (now = Date.now()): Promise<number> {
    this.round ??= this.runRound(now).finally(() => { this.round = undefined })
    return this.round
  }

  private async runRound (now: number): Promise<number> {
    let deleted = 0
    for (let batch = 0; batch < this.maxBatches && !this.stopped; batch++) {
      let changes: number
      try {
        changes = this.deleteBatch.run(now, this.batchSize).changes
      } catch {
        break // busy (another process holds the write lock past busy_timeout): the next round tries again
      }
      deleted += changes
      if (changes < this.batchSize) break
      await yieldToEventLoop()
    }
    return deleted
  }

  /** No round starts after this, and the one running ends after its current batch (before the store closes). */
  async stop (): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    await this.round
  }
}
