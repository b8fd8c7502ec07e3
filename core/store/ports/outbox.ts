/*
 * The outbox port: durable jobs, the leases that claim them, and dead letters. The outbox worker, the dead-letter
 * CLI and the outbox gauges depend on it. Claims are leases with an owner and an expiry, so a crashed instance's
 * jobs run again elsewhere; nothing depends on one process's memory.
 */

export type JobState = 'pending' | 'done' | 'dead'

export interface Job {
  readonly jobId: number | string
  /** what to do, e.g. 'dfo.createMessage', 'platform.deliver' */
  readonly kind: string
  /** jobs with the same key run one at a time, in insertion order */
  readonly orderKey: string
  /** a job with a dedupeKey already present (pending, done or dead) is not enqueued twice */
  readonly dedupeKey?: string
  readonly payload: unknown
  readonly attempts: number
  readonly state: JobState
  readonly runAt: number
  readonly lastError?: string
  readonly createdAt: number
}

export interface NewJob {
  readonly kind: string
  readonly orderKey: string
  readonly dedupeKey?: string
  readonly payload: unknown
  readonly runAt?: number
}

export interface JobFilter {
  readonly state?: JobState
  readonly kind?: string
  readonly limit?: number
}

export interface OutboxStats {
  readonly pending: number
  readonly dead: number
  readonly oldestPendingAgeMs: number
}

export interface OutboxPort {
  /** Enqueues atomically; returns undefined when dedupeKey already exists. */
  enqueue (job: NewJob): Promise<Job | undefined>
  /**
   * Leases up to `limit` runnable jobs for `leaseMs`: pending, runAt <= now, lease free or expired, and the
   * oldest not-done job of their orderKey (per-key order). A crashed owner's lease expires and the job runs again.
   */
  claimJobs (owner: string, limit: number, leaseMs: number, now?: number): Promise<Job[]>
  completeJob (jobId: Job['jobId'], owner: string): Promise<void>
  /**
   * Releases the lease and schedules another attempt (attempts + 1). `countAttempt: false` defers without counting
   * (a 429, an open circuit breaker, the retry budget: the upstream never judged the message).
   */
  retryJob (jobId: Job['jobId'], owner: string, runAt: number, error: string, opts?: { countAttempt?: boolean }): Promise<void>
  /** Gives up: the job becomes a dead letter and stops blocking its orderKey. */
  buryJob (jobId: Job['jobId'], owner: string, error: string): Promise<void>
  listJobs (filter: JobFilter): Promise<Job[]>
  /** Dead letter back to pending with attempts reset; false if not dead. */
  replayJob (jobId: Job['jobId']): Promise<boolean>
  outboxStats (now?: number): Promise<OutboxStats>
}
