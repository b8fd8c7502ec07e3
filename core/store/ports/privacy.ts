import type { Customer, Thread } from './conversations.js'
import type { Job } from './outbox.js'
import type { Timer } from './timers.js'

/*
 * The privacy port: what retention (core/privacy/retention.ts) and erasure (core/privacy/erasure.ts) need beyond the
 * other ports: finding what is old, deleting a conversation or a customer outright, and walking the small records
 * (documents and remembered values) whose content may name a customer. The policy (what goes, what must stay) lives
 * once in core/privacy/, over this port, so both drivers purge and erase the same things.
 */

/** A document (`kind: 'doc'`: collection, id) or a remembered value (`kind: 'remembered'`: scope, key) as stored. */
export interface StoredRecord {
  readonly kind: 'doc' | 'remembered'
  readonly collection: string
  readonly id: string
  readonly value: unknown
}

export interface ScrubResult {
  /** SQLite: the WAL was checkpointed and cut to zero bytes, so no deleted page lingers in it. Redis: always true. */
  readonly walCheckpointed: boolean
}

export interface PrivacyPort {
  /** Closed threads whose last activity is before `before`, up to `limit` (open threads are never listed). */
  listClosedThreadsBefore (before: number, limit: number): Promise<Thread[]>
  /** Customers created before `before` that have no thread left on their channel, up to `limit`. */
  listCustomersWithoutThreads (before: number, limit: number): Promise<Customer[]>
  /** Deletes a thread, open or closed, with its whole timeline in one atomic step; the number of messages deleted. */
  deleteThread (channelId: string, threadId: string): Promise<number>
  /** Deletes the customer record (name, avatar); false when there was none. */
  deleteCustomer (channelId: string, customerId: string): Promise<boolean>
  listTimers (): Promise<Timer[]>
  /** Deletes a done or dead job and its dedupe entry; false for a pending job (it is not delivered yet) or none. */
  deleteJob (jobId: Job['jobId']): Promise<boolean>
  /**
   * Turns a pending job into a dead letter that holds nothing of its conversation: lastError `erased`, payload
   * `{ "erased": true }`, orderKey `erased:<jobId>`, no dedupe key, no lease (a worker holding it cannot complete
   * it). False when the job is not pending.
   */
  eraseJob (jobId: Job['jobId']): Promise<boolean>
  /** Every document and every remembered value (on SQLite expired ones too, until purged), a batch at a time (records deleted meanwhile may be skipped). */
  records (batchSize?: number): AsyncIterable<StoredRecord[]>
  deleteRecord (record: Pick<StoredRecord, 'kind' | 'collection' | 'id'>): Promise<boolean>
  /** After deletions: leaves no deleted bytes in the store's files where the driver can (see ScrubResult). */
  scrub (): Promise<ScrubResult>
}

/** The dead-letter reason (lastError) of a job erasure stopped: `byoc-hub dead-letters` and the admin API show it. */
export const ERASED_REASON = 'erased'
