/*
 * The outbox port: durable jobs, the leases that claim them, and dead letters. The outbox worker, the dead-letter
 * CLI and the outbox gauges depend on it. Claims are leases with an owner and an expiry, so a crashed instance's
 * jobs run again elsewhere; nothing depends on one process's memory.
 */

import type { StoredMessage } from './conversations.js'

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
  /**
   * The message the payload names (`{ channelId, messageId }`), read by the claim that leased the job, so its
   * handler needs no store call of its own; absent from other reads, or when the message is gone (the handler
   * may look it up itself then).
   */
  readonly message?: StoredMessage
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

/** What became of a claimed job, recorded by `settleAndClaim` as completeJob, retryJob or buryJob would. */
export type JobOutcome =
  | {
    readonly jobId: Job['jobId'], readonly outcome: 'done'
    /** the status the job gave its message (e.g. 'sent' once a platform has it), set with the completion */
    readonly messageStatus?: { readonly channelId: string, readonly messageId: string, readonly status: 'sent' | 'delivered' | 'seen' | 'failed' }
    /** the activity the job saw on its thread (as touchThread: lastActivityAt forward only, a contact id kept) */
    readonly threadTouch?: { readonly channelId: string, readonly threadId: string, readonly at: number, readonly contactId?: string }
  }
  | { readonly jobId: Job['jobId'], readonly outcome: 'retry', readonly runAt: number, readonly error: string, readonly countAttempt: boolean }
  | { readonly jobId: Job['jobId'], readonly outcome: 'dead', readonly error: string }

/**
 * Jobs whose orderKey starts with this (toward a platform: agent messages, idle warnings, closes) are claimed before
 * the others (toward CXone), so what the customer waits for never queues behind a backlog of DFO messages. A key
 * is in one lane for good, so per-key order holds.
 */
export const PLATFORM_LANE_PREFIX = 'platform:'

export interface OutboxPort {
  /** Enqueues atomically; returns undefined when dedupeKey already exists. */
  enqueue (job: NewJob): Promise<Job | undefined>
  /**
   * Leases up to `limit` runnable jobs for `leaseMs`: pending, runAt <= now, lease free or expired, and the
   * oldest not-done job of their orderKey (per-key order). A crashed owner's lease expires and the job runs again.
   * The platform lane (PLATFORM_LANE_PREFIX) is served first, each lane oldest due first; each job comes with the
   * message its payload names (`Job.message`).
   */
  claimJobs (owner: string, limit: number, leaseMs: number, now?: number): Promise<Job[]>
  completeJob (jobId: Job['jobId'], owner: string): Promise<void>
  /**
   * One worker tick in one store call (one transaction, one Lua script): records the outcomes of the jobs that
   * finished since the last tick (only where `owner` still holds the lease, as the single calls do; a message
   * status and a thread touch are recorded either way: both only move forward), and claims up to `limit` jobs as
   * claimJobs does, each with the message its payload names (`Job.message`). The claim
   * comes first: the next job of a key completed here is left to the next claim of any instance (a newcomer gets
   * work at once instead of the completing instance keeping every conversation it has served).
   */
  settleAndClaim (owner: string, outcomes: readonly JobOutcome[], limit: number, leaseMs: number, now?: number): Promise<Job[]>
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
