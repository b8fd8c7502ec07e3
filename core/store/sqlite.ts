import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { migrateSqlite } from './sqlite-migrate.js'
import { RESTART_WAL_FRAMES, WalCheckpointer } from './sqlite-checkpointer.js'
import { ExpiredRowPurger, type ExpiryPurgeOptions } from './sqlite-expiry.js'
import { nextStatus } from './message-status.js'
import type {
  Customer, InsertMessageResult, Job, JobState, MessageStatus, NewJob, NewMessage, SigningKey, Store, StoredMessage,
  Thread, ThreadStatus, Timer
} from './types.js'

type Row = Record<string, any> // intentional any: better-sqlite3 rows are untyped

const toThread = (r: Row): Thread => ({
  threadId: r.thread_id,
  channelId: r.channel_id,
  customerId: r.customer_id,
  status: r.status,
  ...(r.closed_reason != null ? { closedReason: r.closed_reason } : {}),
  createdAt: r.created_at,
  lastActivityAt: r.last_activity_at,
  ...(r.contact_id != null ? { contactId: r.contact_id } : {})
})
const toMessage = (r: Row): StoredMessage => ({
  messageId: r.message_id,
  threadId: r.thread_id,
  channelId: r.channel_id,
  direction: r.direction,
  seq: r.seq,
  text: r.text,
  attachments: JSON.parse(r.attachments),
  ...(r.author_name != null ? { authorName: r.author_name } : {}),
  createdAt: r.created_at,
  status: r.status,
  ...(r.raw != null ? { raw: JSON.parse(r.raw) } : {})
})
const toJob = (r: Row): Job => ({
  jobId: r.job_id,
  kind: r.kind,
  orderKey: r.order_key,
  ...(r.dedupe_key != null ? { dedupeKey: r.dedupe_key } : {}),
  payload: JSON.parse(r.payload),
  attempts: r.attempts,
  state: r.state,
  runAt: r.run_at,
  ...(r.last_error != null ? { lastError: r.last_error } : {}),
  createdAt: r.created_at
})
const toCustomer = (r: Row): Customer => ({
  channelId: r.channel_id, customerId: r.customer_id, name: r.name, ...(r.avatar != null ? { avatar: r.avatar } : {}), createdAt: r.created_at
})

/**
 * The embedded default: one SQLite file in WAL mode. Several processes may share the file on one machine;
 * every claim is a conditional UPDATE inside an IMMEDIATE transaction, so leases hold across processes.
 */
export class SqliteStore implements Store {
  readonly driver = 'sqlite'
  private readonly db: Database.Database
  private readonly checkpointer: WalCheckpointer | undefined
  private readonly purger: ExpiredRowPurger

  constructor (path: string, options: { readonly expiryPurge?: ExpiryPurgeOptions } = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL') // durable across process crashes in WAL mode; fsync at checkpoint
    this.db.pragma('busy_timeout = 5000')
    migrateSqlite(this.db)
    if (path !== ':memory:') {
      // checkpoints (copy + fsync) run on a worker thread, not inside whichever commit crosses 1,000 WAL pages
      this.db.pragma('wal_autocheckpoint = 0')
      // when the WAL starts over (after the checkpointer's RESTART) the file is cut back to this: a burst's WAL does
      // not keep its disk space for good
      this.db.pragma(`journal_size_limit = ${RESTART_WAL_FRAMES * 4096}`)
      this.checkpointer = new WalCheckpointer(path)
    }
    this.purger = new ExpiredRowPurger(this.db, options.expiryPurge)
  }

  /** Deletes idempotency rows expired at `now` (one bounded round); the store also does so every minute by itself. */
  purgeExpired (now = Date.now()): Promise<number> {
    return this.purger.purge(now)
  }

  /**
   * Statements are compiled once per SQL text and reused (every text here is a constant, or one of a few filter
   * combinations). Compiling on every call was ~30% of the store's CPU time and ~12% of the hub's on the agent
   * reply path (bench/store-micro.ts, `npm run bench -- --profile`).
   */
  private readonly statements = new Map<string, Database.Statement>()
  private prepare (sql: string): Database.Statement {
    let statement = this.statements.get(sql)
    if (statement === undefined) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  private tx<T> (fn: () => T): T {
    return this.db.transaction(fn).immediate()
  }

  async upsertCustomer (c: Omit<Customer, 'createdAt'>): Promise<Customer> {
    this.prepare(`INSERT INTO customers (channel_id, customer_id, name, avatar, created_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (channel_id, customer_id) DO UPDATE SET name = excluded.name, avatar = excluded.avatar`)
      .run(c.channelId, c.customerId, c.name, c.avatar ?? null, Date.now())
    return (await this.getCustomer(c.channelId, c.customerId))!
  }

  async getCustomer (channelId: string, customerId: string): Promise<Customer | undefined> {
    const r = this.prepare('SELECT * FROM customers WHERE channel_id = ? AND customer_id = ?').get(channelId, customerId) as Row | undefined
    return r ? toCustomer(r) : undefined
  }

  async listCustomers (channelId?: string): Promise<Customer[]> {
    const rows = channelId
      ? this.prepare('SELECT * FROM customers WHERE channel_id = ? ORDER BY created_at').all(channelId)
      : this.prepare('SELECT * FROM customers ORDER BY created_at').all()
    return (rows as Row[]).map(toCustomer)
  }

  // the current thread: the open one with the latest activity (threads_current index), the newest on a tie
  private currentRow (channelId: string, customerId: string): Row | undefined {
    return this.prepare(`SELECT * FROM threads WHERE channel_id = ? AND customer_id = ? AND status = 'open'
      ORDER BY last_activity_at DESC, created_at DESC, rowid DESC LIMIT 1`).get(channelId, customerId) as Row | undefined
  }

  private threadRow (channelId: string, threadId: string): Row | undefined {
    return this.prepare('SELECT * FROM threads WHERE channel_id = ? AND thread_id = ?').get(channelId, threadId) as Row | undefined
  }

  private insertThread (channelId: string, customerId: string, threadId: string, now: number, activityAt = now): Thread {
    this.prepare(`INSERT INTO threads (channel_id, thread_id, customer_id, status, created_at, last_activity_at)
      VALUES (?, ?, ?, 'open', ?, ?)`).run(channelId, threadId, customerId, now, activityAt)
    return toThread(this.threadRow(channelId, threadId)!)
  }

  async openThread (channelId: string, customerId: string, candidateThreadId: string, now = Date.now()): Promise<{ thread: Thread, created: boolean }> {
    return this.tx(() => {
      const current = this.currentRow(channelId, customerId)
      if (current) return { thread: toThread(current), created: false }
      return { thread: this.insertThread(channelId, customerId, candidateThreadId, now), created: true }
    })
  }

  async startThread (channelId: string, customerId: string, threadId: string, now = Date.now()): Promise<{ thread: Thread, created: boolean }> {
    return this.tx(() => {
      const existing = this.threadRow(channelId, threadId)
      if (existing) return { thread: toThread(existing), created: false }
      // current from the start: its activity is at least the latest of the customer's open threads
      const current = this.currentRow(channelId, customerId)
      const at = Math.max(now, current?.last_activity_at ?? 0)
      return { thread: this.insertThread(channelId, customerId, threadId, now, at), created: true }
    })
  }

  async getThread (channelId: string, threadId: string): Promise<Thread | undefined> {
    const r = this.threadRow(channelId, threadId)
    return r ? toThread(r) : undefined
  }

  async findCurrentThread (channelId: string, customerId: string): Promise<Thread | undefined> {
    const r = this.currentRow(channelId, customerId)
    return r ? toThread(r) : undefined
  }

  async listThreads (f: { channelId?: string, customerId?: string, status?: ThreadStatus, limit?: number }): Promise<Thread[]> {
    const where: string[] = []
    const args: unknown[] = []
    if (f.channelId !== undefined) { where.push('channel_id = ?'); args.push(f.channelId) }
    if (f.customerId !== undefined) { where.push('customer_id = ?'); args.push(f.customerId) }
    if (f.status !== undefined) { where.push('status = ?'); args.push(f.status) }
    const sql = `SELECT * FROM threads ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at, channel_id, thread_id LIMIT ?`
    return (this.prepare(sql).all(...args, f.limit ?? 10_000) as Row[]).map(toThread)
  }

  async countOpenThreads (channelId: string): Promise<number> {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM threads WHERE channel_id = ? AND status = 'open'").get(channelId) as Row).n
  }

  async closeThread (channelId: string, threadId: string, reason: string): Promise<boolean> {
    const r = this.prepare("UPDATE threads SET status = 'closed', closed_reason = ? WHERE channel_id = ? AND thread_id = ? AND status = 'open'").run(reason, channelId, threadId)
    return r.changes === 1
  }

  async touchThread (channelId: string, threadId: string, at: number, contactId?: string): Promise<void> {
    this.prepare('UPDATE threads SET last_activity_at = MAX(last_activity_at, ?), contact_id = COALESCE(?, contact_id) WHERE channel_id = ? AND thread_id = ?')
      .run(at, contactId ?? null, channelId, threadId)
  }

  private messageRow (channelId: string, messageId: string): Row | undefined {
    return this.prepare('SELECT * FROM messages WHERE channel_id = ? AND message_id = ?').get(channelId, messageId) as Row | undefined
  }

  async insertMessage (m: NewMessage, job?: NewJob): Promise<InsertMessageResult> {
    return this.tx(() => {
      if (job) this.enqueueSync(job)
      const existing = this.messageRow(m.channelId, m.messageId)
      if (existing) return { message: toMessage(existing), created: false }
      const t = this.prepare('SELECT next_seq FROM threads WHERE channel_id = ? AND thread_id = ?').get(m.channelId, m.threadId) as Row | undefined
      if (!t) throw new Error(`thread ${m.threadId} does not exist on channel ${m.channelId}`)
      this.prepare('UPDATE threads SET next_seq = next_seq + 1, last_activity_at = MAX(last_activity_at, ?) WHERE channel_id = ? AND thread_id = ?').run(m.createdAt, m.channelId, m.threadId)
      this.prepare(`INSERT INTO messages (channel_id, message_id, thread_id, direction, seq, text, attachments, author_name, created_at, status, raw)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(m.channelId, m.messageId, m.threadId, m.direction, t.next_seq, m.text,
        JSON.stringify(m.attachments), m.authorName ?? null, m.createdAt, m.status ?? 'accepted', m.raw === undefined ? null : JSON.stringify(m.raw))
      return { message: toMessage(this.messageRow(m.channelId, m.messageId)!), created: true }
    })
  }

  async getMessage (channelId: string, messageId: string): Promise<StoredMessage | undefined> {
    const r = this.messageRow(channelId, messageId)
    return r ? toMessage(r) : undefined
  }

  async listMessages (channelId: string, threadId: string, afterSeq = 0, limit = 1000): Promise<StoredMessage[]> {
    return (this.prepare('SELECT * FROM messages WHERE channel_id = ? AND thread_id = ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(channelId, threadId, afterSeq, limit) as Row[]).map(toMessage)
  }

  async setMessageStatus (channelId: string, messageId: string, status: MessageStatus): Promise<boolean> {
    return this.tx(() => {
      const r = this.prepare('SELECT status FROM messages WHERE channel_id = ? AND message_id = ?').get(channelId, messageId) as Row | undefined
      if (!r) return false
      const next = nextStatus(r.status, status)
      if (next === r.status) return false
      this.prepare('UPDATE messages SET status = ? WHERE channel_id = ? AND message_id = ?').run(next, channelId, messageId)
      return true
    })
  }

  async enqueue (job: NewJob): Promise<Job | undefined> {
    return this.enqueueSync(job)
  }

  private enqueueSync (job: NewJob): Job | undefined {
    const now = Date.now()
    const r = this.prepare(`INSERT INTO jobs (kind, order_key, dedupe_key, payload, state, run_at, created_at)
      VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`)
      .run(job.kind, job.orderKey, job.dedupeKey ?? null, JSON.stringify(job.payload), job.runAt ?? now, now)
    if (r.changes === 0) return undefined
    return toJob(this.prepare('SELECT * FROM jobs WHERE job_id = ?').get(r.lastInsertRowid) as Row)
  }

  async claimJobs (owner: string, limit: number, leaseMs: number, now = Date.now()): Promise<Job[]> {
    return this.tx(() => {
      // the head of each orderKey: its oldest pending job; later jobs of that key wait for it
      const rows = this.prepare(`SELECT j.* FROM jobs j
        WHERE j.state = 'pending' AND j.job_id = (SELECT MIN(job_id) FROM jobs h WHERE h.order_key = j.order_key AND h.state = 'pending')
          AND j.run_at <= ? AND (j.lease_until IS NULL OR j.lease_until <= ?)
        ORDER BY j.run_at, j.job_id LIMIT ?`).all(now, now, limit) as Row[]
      const lease = this.prepare('UPDATE jobs SET lease_owner = ?, lease_until = ? WHERE job_id = ?')
      for (const r of rows) lease.run(owner, now + leaseMs, r.job_id)
      return rows.map(toJob)
    })
  }

  async completeJob (jobId: Job['jobId'], owner: string): Promise<void> {
    this.prepare("UPDATE jobs SET state = 'done', lease_owner = NULL, lease_until = NULL, payload = '{}' WHERE job_id = ? AND lease_owner = ?").run(jobId, owner)
  }

  async retryJob (jobId: Job['jobId'], owner: string, runAt: number, error: string, opts?: { countAttempt?: boolean }): Promise<void> {
    this.prepare('UPDATE jobs SET attempts = attempts + ?, run_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL WHERE job_id = ? AND lease_owner = ?')
      .run(opts?.countAttempt === false ? 0 : 1, runAt, error, jobId, owner)
  }

  async buryJob (jobId: Job['jobId'], owner: string, error: string): Promise<void> {
    this.prepare("UPDATE jobs SET state = 'dead', attempts = attempts + 1, last_error = ?, lease_owner = NULL, lease_until = NULL WHERE job_id = ? AND lease_owner = ?")
      .run(error, jobId, owner)
  }

  async listJobs (f: { state?: JobState, kind?: string, limit?: number }): Promise<Job[]> {
    const where: string[] = []
    const args: unknown[] = []
    if (f.state) { where.push('state = ?'); args.push(f.state) }
    if (f.kind) { where.push('kind = ?'); args.push(f.kind) }
    const sql = `SELECT * FROM jobs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY job_id LIMIT ?`
    return (this.prepare(sql).all(...args, f.limit ?? 1000) as Row[]).map(toJob)
  }

  async replayJob (jobId: Job['jobId']): Promise<boolean> {
    const r = this.prepare("UPDATE jobs SET state = 'pending', attempts = 0, run_at = ?, last_error = NULL WHERE job_id = ? AND state = 'dead'").run(Date.now(), jobId)
    return r.changes === 1
  }

  async outboxStats (now = Date.now()): Promise<{ pending: number, dead: number, oldestPendingAgeMs: number }> {
    const r = this.prepare(`SELECT
      SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END) AS pending,
      SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END) AS dead,
      MIN(CASE WHEN state = 'pending' THEN created_at END) AS oldest FROM jobs`).get() as Row
    return { pending: r.pending ?? 0, dead: r.dead ?? 0, oldestPendingAgeMs: r.oldest != null ? Math.max(0, now - r.oldest) : 0 }
  }

  async remember (scope: string, key: string, value: unknown, ttlMs: number): Promise<{ value: unknown, created: boolean }> {
    return this.tx(() => {
      const now = Date.now()
      const r = this.prepare('SELECT value, expires_at FROM idempotency WHERE scope = ? AND key = ?').get(scope, key) as Row | undefined
      if (r && r.expires_at > now) return { value: JSON.parse(r.value), created: false }
      this.prepare('INSERT OR REPLACE INTO idempotency (scope, key, value, expires_at) VALUES (?, ?, ?, ?)').run(scope, key, JSON.stringify(value), now + ttlMs)
      return { value, created: true }
    })
  }

  async recall (scope: string, key: string): Promise<unknown> {
    const r = this.prepare('SELECT value FROM idempotency WHERE scope = ? AND key = ? AND expires_at > ?').get(scope, key, Date.now()) as Row | undefined
    return r ? JSON.parse(r.value) : undefined
  }

  async setTimer (t: Timer): Promise<void> {
    this.prepare('INSERT OR REPLACE INTO timers (key, kind, due_at, payload) VALUES (?, ?, ?, ?)').run(t.key, t.kind, t.dueAt, JSON.stringify(t.payload))
  }

  async cancelTimer (key: string): Promise<boolean> {
    return this.prepare('DELETE FROM timers WHERE key = ?').run(key).changes === 1
  }

  async getTimer (key: string): Promise<Timer | undefined> {
    const r = this.prepare('SELECT * FROM timers WHERE key = ?').get(key) as Row | undefined
    return r ? { key: r.key, kind: r.kind, dueAt: r.due_at, payload: JSON.parse(r.payload) } : undefined
  }

  async takeDueTimers (now: number, limit: number): Promise<Timer[]> {
    return this.tx(() => {
      const rows = this.prepare('SELECT * FROM timers WHERE due_at <= ? ORDER BY due_at LIMIT ?').all(now, limit) as Row[]
      const del = this.prepare('DELETE FROM timers WHERE key = ? AND due_at = ?')
      for (const r of rows) del.run(r.key, r.due_at)
      return rows.map(r => ({ key: r.key, kind: r.kind, dueAt: r.due_at, payload: JSON.parse(r.payload) }))
    })
  }

  async moveDueTimersToJobs (now: number, limit: number): Promise<number> {
    return this.tx(() => {
      const rows = this.prepare('SELECT * FROM timers WHERE due_at <= ? ORDER BY due_at LIMIT ?').all(now, limit) as Row[]
      const del = this.prepare('DELETE FROM timers WHERE key = ? AND due_at = ?')
      for (const r of rows) {
        this.enqueueSync({ kind: 'timer.fire', orderKey: `timer:${r.key}`, dedupeKey: `timer:${r.key}:${r.due_at}`, runAt: now, payload: { key: r.key, timer: { kind: r.kind, dueAt: r.due_at, payload: JSON.parse(r.payload) } } })
        del.run(r.key, r.due_at)
      }
      return rows.length
    })
  }

  async countTimers (): Promise<number> {
    return (this.prepare('SELECT COUNT(*) AS n FROM timers').get() as Row).n
  }

  async listSigningKeys (): Promise<SigningKey[]> {
    return (this.prepare('SELECT * FROM signing_keys ORDER BY created_at, kid').all() as Row[])
      .map(r => ({ kid: r.kid, secret: r.secret, createdAt: r.created_at }))
  }

  async addSigningKey (k: SigningKey): Promise<void> {
    this.prepare('INSERT OR IGNORE INTO signing_keys (kid, secret, created_at) VALUES (?, ?, ?)').run(k.kid, k.secret, k.createdAt)
  }

  async tryLease (name: string, owner: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    const r = this.prepare(`INSERT INTO leases (name, owner, until) VALUES (?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until WHERE leases.until <= ? OR leases.owner = excluded.owner`)
      .run(name, owner, now + ttlMs, now)
    return r.changes === 1
  }

  async releaseLease (name: string, owner: string): Promise<void> {
    this.prepare('DELETE FROM leases WHERE name = ? AND owner = ?').run(name, owner)
  }

  async putDoc (collection: string, id: string, doc: unknown): Promise<void> {
    this.prepare('INSERT OR REPLACE INTO docs (collection, id, doc) VALUES (?, ?, ?)').run(collection, id, JSON.stringify(doc))
  }

  async getDoc<T> (collection: string, id: string): Promise<T | undefined> {
    const r = this.prepare('SELECT doc FROM docs WHERE collection = ? AND id = ?').get(collection, id) as Row | undefined
    return r ? JSON.parse(r.doc) as T : undefined
  }

  async deleteDoc (collection: string, id: string): Promise<boolean> {
    return this.prepare('DELETE FROM docs WHERE collection = ? AND id = ?').run(collection, id).changes === 1
  }

  async listDocs<T> (collection: string): Promise<T[]> {
    return (this.prepare('SELECT doc FROM docs WHERE collection = ? ORDER BY rowid').all(collection) as Row[]).map(r => JSON.parse(r.doc) as T)
  }

  async ping (): Promise<void> {
    this.prepare('SELECT 1').get()
  }

  async close (): Promise<void> {
    if (!this.db.open) return
    try {
      await this.purger.stop()
      await this.checkpointer?.stop()
    } finally {
      // the connection closes even if the checkpointer could not finish
      if (this.db.open) this.db.close()
    }
  }
}
