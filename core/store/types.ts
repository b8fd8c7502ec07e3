/**
 * The hub's one storage interface. Every driver (SQLite embedded, Redis shared) implements it and must pass
 * test/store/conformance.ts. No correctness may depend on one process's memory: claims are leases with an
 * owner and an expiry, unique constraints decide races between instances.
 */

export type ThreadStatus = 'open' | 'closed'
export type Direction = 'inbound' | 'outbound'

export interface Customer {
  readonly channelId: string
  readonly customerId: string
  readonly name: string
  readonly avatar?: string
  readonly createdAt: number
}

export interface Thread {
  /** thread.idOnExternalPlatform as DFO knows it */
  readonly threadId: string
  readonly channelId: string
  readonly customerId: string
  readonly status: ThreadStatus
  readonly closedReason?: string
  readonly createdAt: number
  readonly lastActivityAt: number
  /** DFO contact (case) number once CXone told us, used to close the contact */
  readonly contactId?: string
}

export interface Attachment {
  readonly friendlyName: string
  readonly url: string
  readonly mimeType?: string
  readonly size?: number
}

export type MessageStatus = 'accepted' | 'sent' | 'delivered' | 'seen' | 'failed'

export interface StoredMessage {
  /** idOnExternalPlatform: the key DFO and the platform dedupe on */
  readonly messageId: string
  readonly threadId: string
  readonly channelId: string
  readonly direction: Direction
  /** per-thread sequence number, gap-free, assigned by the store */
  readonly seq: number
  readonly text: string
  readonly attachments: readonly Attachment[]
  readonly authorName?: string
  readonly createdAt: number
  readonly status: MessageStatus
  /** the full DFO-side body we received or will send, kept verbatim (unknown fields preserved) */
  readonly raw?: unknown
}

export interface NewMessage extends Omit<StoredMessage, 'seq' | 'status'> {
  readonly status?: MessageStatus
}

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

export interface Timer {
  readonly key: string
  readonly kind: string
  readonly dueAt: number
  readonly payload: unknown
}

export interface SigningKey {
  readonly kid: string
  readonly secret: string
  readonly createdAt: number
}

export interface InsertMessageResult {
  readonly message: StoredMessage
  /** false when a message with the same (channelId, messageId) already existed (the stored one is returned) */
  readonly created: boolean
}

export interface Store {
  readonly driver: string

  // customers and threads
  upsertCustomer (customer: Omit<Customer, 'createdAt'>): Promise<Customer>
  getCustomer (channelId: string, customerId: string): Promise<Customer | undefined>
  listCustomers (channelId?: string): Promise<Customer[]>
  /**
   * Thread and message ids are scoped by channel: the same id on two channels names two different threads (or
   * messages), so one platform cannot squat or reach another channel's ids. Every lookup takes the channel.
   *
   * A customer may have several open threads on a channel (an agent's direct message opens a new one); the
   * *current* thread is the open one with the latest activity (lastActivityAt; on a tie, the newest).
   */
  /**
   * The customer's current open thread on a channel, created with `candidateThreadId` when there is none. Atomic
   * across instances, so two instances racing on a customer's first two messages open one thread.
   */
  openThread (channelId: string, customerId: string, candidateThreadId: string, now?: number): Promise<{ thread: Thread, created: boolean }>
  /**
   * Opens a new thread with exactly this id beside the customer's other threads (an agent's direct message), and
   * makes it current. When the id already exists on the channel, returns that thread with created false (whoever
   * its customer is: the caller checks).
   */
  startThread (channelId: string, customerId: string, threadId: string, now?: number): Promise<{ thread: Thread, created: boolean }>
  getThread (channelId: string, threadId: string): Promise<Thread | undefined>
  /** The customer's current thread on a channel: the open one with the latest activity, if any. */
  findCurrentThread (channelId: string, customerId: string): Promise<Thread | undefined>
  listThreads (filter: { channelId?: string, customerId?: string, status?: ThreadStatus, limit?: number }): Promise<Thread[]>
  /** How many threads of a channel are open (cheap: an index count, for the active-conversations gauge). */
  countOpenThreads (channelId: string): Promise<number>
  /** Closes an open thread; returns true only for the caller that closed it (so side effects happen once). */
  closeThread (channelId: string, threadId: string, reason: string): Promise<boolean>
  touchThread (channelId: string, threadId: string, at: number, contactId?: string): Promise<void>

  // messages (the per-thread timeline)
  /**
   * Inserts unless (channelId, messageId) exists. A platform retry returns the first copy.
   * `job` is enqueued in the same atomic step (outbox pattern), and re-offered (dedupeKey) on a repeat, so a
   * crash between storing and enqueueing cannot strand a message.
   */
  insertMessage (message: NewMessage, job?: NewJob): Promise<InsertMessageResult>
  getMessage (channelId: string, messageId: string): Promise<StoredMessage | undefined>
  listMessages (channelId: string, threadId: string, afterSeq?: number, limit?: number): Promise<StoredMessage[]>
  /** Moves status forward only (accepted < sent < delivered < seen); 'failed' from any but seen. */
  setMessageStatus (channelId: string, messageId: string, status: MessageStatus): Promise<boolean>

  // durable outbox
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
  listJobs (filter: { state?: JobState, kind?: string, limit?: number }): Promise<Job[]>
  /** Dead letter back to pending with attempts reset; false if not dead. */
  replayJob (jobId: Job['jobId']): Promise<boolean>
  outboxStats (now?: number): Promise<{ pending: number, dead: number, oldestPendingAgeMs: number }>

  // idempotency keys (request-level dedupe, e.g. CXone retrying an outbound)
  /** Stores value under key unless present; returns the stored value and whether this call stored it. */
  remember (scope: string, key: string, value: unknown, ttlMs: number): Promise<{ value: unknown, created: boolean }>
  /** The value remembered under key while its TTL runs, else undefined; reads only (a webhook's earlier answer). */
  recall (scope: string, key: string): Promise<unknown>

  // timers (idle rule); one per key, firing once across instances
  setTimer (timer: Timer): Promise<void>
  cancelTimer (key: string): Promise<boolean>
  getTimer (key: string): Promise<Timer | undefined>
  /** Removes and returns due timers atomically, so each fires on exactly one instance. */
  takeDueTimers (now: number, limit: number): Promise<Timer[]>
  /**
   * Moves due timers into the outbox in one atomic step, as jobs of kind 'timer.fire' (orderKey `timer:<key>`,
   * payload `{ key, timer: { kind, dueAt, payload } }`). Firing then has the outbox's lease and crash recovery: an
   * instance killed while firing leaves a job that runs again elsewhere. Returns how many moved.
   */
  moveDueTimersToJobs (now: number, limit: number): Promise<number>
  countTimers (): Promise<number>

  // signing keys for the tokens the hub issues to CXone
  listSigningKeys (): Promise<SigningKey[]>
  /** Adds the key unless one with the same kid exists. */
  addSigningKey (key: SigningKey): Promise<void>

  // leases: one holder at a time across instances (e.g. the thread-status poller, the CXone token refresh)
  tryLease (name: string, owner: string, ttlMs: number, now?: number): Promise<boolean>
  releaseLease (name: string, owner: string): Promise<void>

  // small shared key/value documents (CXone token cache, sandbox state)
  putDoc (collection: string, id: string, doc: unknown): Promise<void>
  getDoc<T = unknown> (collection: string, id: string): Promise<T | undefined>
  deleteDoc (collection: string, id: string): Promise<boolean>
  listDocs<T = unknown> (collection: string): Promise<T[]>

  /** Cheap round trip used by readiness. */
  ping (): Promise<void>
  close (): Promise<void>
}
