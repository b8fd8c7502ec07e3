import { nextStatus } from './message-status.js'
import { enqueueJob } from './sqlite-outbox.js'
import type { Row, SqliteSql } from './sqlite-sql.js'
import type {
  ConversationsPort, Customer, InsertMessageResult, MessageStatus, NewMessage, StoredMessage, Thread, ThreadFilter
} from './ports/conversations.js'
import type { NewJob } from './ports/outbox.js'

export const toThread = (r: Row): Thread => ({
  threadId: r.thread_id,
  channelId: r.channel_id,
  customerId: r.customer_id,
  status: r.status,
  ...(r.closed_reason != null ? { closedReason: r.closed_reason } : {}),
  createdAt: r.created_at,
  lastActivityAt: r.last_activity_at,
  ...(r.contact_id != null ? { contactId: r.contact_id } : {})
})
export const toMessage = (r: Row): StoredMessage => ({
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
const toCustomer = (r: Row): Customer => ({
  channelId: r.channel_id, customerId: r.customer_id, name: r.name, ...(r.avatar != null ? { avatar: r.avatar } : {}), ...(r.locale != null ? { locale: r.locale } : {}), createdAt: r.created_at
})

/** touchThread's statement, also run by a completion that carries the touch (sqlite-outbox.ts settle). */
export function touchThreadRow (sql: SqliteSql, channelId: string, threadId: string, at: number, contactId?: string): void {
  sql.prepare('UPDATE threads SET last_activity_at = MAX(last_activity_at, ?), contact_id = COALESCE(?, contact_id) WHERE channel_id = ? AND thread_id = ?')
    .run(at, contactId ?? null, channelId, threadId)
}

/** insertMessage's body, for a caller already inside a transaction (sqlite-inbound.ts). */
export function insertMessageRow (sql: SqliteSql, m: NewMessage, job?: NewJob): InsertMessageResult {
  if (job) enqueueJob(sql, job)
  const existing = sql.prepare('SELECT * FROM messages WHERE channel_id = ? AND message_id = ?').get(m.channelId, m.messageId) as Row | undefined
  if (existing) return { message: toMessage(existing), created: false }
  const t = sql.prepare('SELECT next_seq FROM threads WHERE channel_id = ? AND thread_id = ?').get(m.channelId, m.threadId) as Row | undefined
  if (!t) throw new Error(`thread ${m.threadId} does not exist on channel ${m.channelId}`)
  sql.prepare('UPDATE threads SET next_seq = next_seq + 1, last_activity_at = MAX(last_activity_at, ?) WHERE channel_id = ? AND thread_id = ?').run(m.createdAt, m.channelId, m.threadId)
  sql.prepare(`INSERT INTO messages (channel_id, message_id, thread_id, direction, seq, text, attachments, author_name, created_at, status, raw)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(m.channelId, m.messageId, m.threadId, m.direction, t.next_seq, m.text,
    JSON.stringify(m.attachments), m.authorName ?? null, m.createdAt, m.status ?? 'accepted', m.raw === undefined ? null : JSON.stringify(m.raw))
  // the row as written: seq and status are known, so no second read
  return {
    message: {
      messageId: m.messageId, threadId: m.threadId, channelId: m.channelId, direction: m.direction, seq: t.next_seq, text: m.text,
      attachments: m.attachments, ...(m.authorName != null ? { authorName: m.authorName } : {}), createdAt: m.createdAt,
      status: m.status ?? 'accepted', ...(m.raw !== undefined ? { raw: m.raw } : {})
    },
    created: true
  }
}

/** Customers, threads and messages on SQLite; a message's job goes into the outbox in the message's transaction. */
export function sqliteConversations (sql: SqliteSql): Omit<ConversationsPort, 'storeInbound'> {
  // the current thread: the open one with the latest activity (threads_current index), the newest on a tie
  const currentRow = (channelId: string, customerId: string): Row | undefined =>
    sql.prepare(`SELECT * FROM threads WHERE channel_id = ? AND customer_id = ? AND status = 'open'
      ORDER BY last_activity_at DESC, created_at DESC, rowid DESC LIMIT 1`).get(channelId, customerId) as Row | undefined

  const threadRow = (channelId: string, threadId: string): Row | undefined =>
    sql.prepare('SELECT * FROM threads WHERE channel_id = ? AND thread_id = ?').get(channelId, threadId) as Row | undefined

  const insertThread = (channelId: string, customerId: string, threadId: string, now: number, activityAt = now): Thread => {
    sql.prepare(`INSERT INTO threads (channel_id, thread_id, customer_id, status, created_at, last_activity_at)
      VALUES (?, ?, ?, 'open', ?, ?)`).run(channelId, threadId, customerId, now, activityAt)
    return toThread(threadRow(channelId, threadId)!)
  }

  const messageRow = (channelId: string, messageId: string): Row | undefined =>
    sql.prepare('SELECT * FROM messages WHERE channel_id = ? AND message_id = ?').get(channelId, messageId) as Row | undefined

  const getCustomer = async (channelId: string, customerId: string): Promise<Customer | undefined> => {
    const r = sql.prepare('SELECT * FROM customers WHERE channel_id = ? AND customer_id = ?').get(channelId, customerId) as Row | undefined
    return r ? toCustomer(r) : undefined
  }

  return {
    async upsertCustomer (c: Omit<Customer, 'createdAt'>): Promise<Customer> {
      sql.prepare(`INSERT INTO customers (channel_id, customer_id, name, avatar, locale, created_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (channel_id, customer_id) DO UPDATE SET name = excluded.name, avatar = excluded.avatar, locale = excluded.locale`)
        .run(c.channelId, c.customerId, c.name, c.avatar ?? null, c.locale ?? null, Date.now())
      return (await getCustomer(c.channelId, c.customerId))!
    },

    getCustomer,

    async openThread (channelId: string, customerId: string, candidateThreadId: string, now = Date.now()): Promise<{ thread: Thread, created: boolean }> {
      return sql.tx(() => {
        const current = currentRow(channelId, customerId)
        if (current) return { thread: toThread(current), created: false }
        return { thread: insertThread(channelId, customerId, candidateThreadId, now), created: true }
      })
    },

    async startThread (channelId: string, customerId: string, threadId: string, now = Date.now()): Promise<{ thread: Thread, created: boolean }> {
      return sql.tx(() => {
        const existing = threadRow(channelId, threadId)
        if (existing) return { thread: toThread(existing), created: false }
        // current from the start: its activity is at least the latest of the customer's open threads
        const current = currentRow(channelId, customerId)
        const at = Math.max(now, current?.last_activity_at ?? 0)
        return { thread: insertThread(channelId, customerId, threadId, now, at), created: true }
      })
    },

    async getThread (channelId: string, threadId: string): Promise<Thread | undefined> {
      const r = threadRow(channelId, threadId)
      return r ? toThread(r) : undefined
    },

    async findCurrentThread (channelId: string, customerId: string): Promise<Thread | undefined> {
      const r = currentRow(channelId, customerId)
      return r ? toThread(r) : undefined
    },

    async listThreads (f: ThreadFilter): Promise<Thread[]> {
      const where: string[] = []
      const args: unknown[] = []
      if (f.channelId !== undefined) { where.push('channel_id = ?'); args.push(f.channelId) }
      if (f.customerId !== undefined) { where.push('customer_id = ?'); args.push(f.customerId) }
      if (f.status !== undefined) { where.push('status = ?'); args.push(f.status) }
      const text = `SELECT * FROM threads ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at, channel_id, thread_id LIMIT ?`
      return (sql.prepare(text).all(...args, f.limit ?? 10_000) as Row[]).map(toThread)
    },

    async countOpenThreads (channelId: string): Promise<number> {
      return (sql.prepare("SELECT COUNT(*) AS n FROM threads WHERE channel_id = ? AND status = 'open'").get(channelId) as Row).n
    },

    async closeThread (channelId: string, threadId: string, reason: string): Promise<boolean> {
      const r = sql.prepare("UPDATE threads SET status = 'closed', closed_reason = ? WHERE channel_id = ? AND thread_id = ? AND status = 'open'").run(reason, channelId, threadId)
      return r.changes === 1
    },

    async touchThread (channelId: string, threadId: string, at: number, contactId?: string): Promise<void> {
      touchThreadRow(sql, channelId, threadId, at, contactId)
    },

    async insertMessage (m: NewMessage, job?: NewJob): Promise<InsertMessageResult> {
      return sql.tx(() => insertMessageRow(sql, m, job))
    },

    async getMessage (channelId: string, messageId: string): Promise<StoredMessage | undefined> {
      const r = messageRow(channelId, messageId)
      return r ? toMessage(r) : undefined
    },

    async listMessages (channelId: string, threadId: string, afterSeq = 0, limit = 1000): Promise<StoredMessage[]> {
      return (sql.prepare('SELECT * FROM messages WHERE channel_id = ? AND thread_id = ? AND seq > ? ORDER BY seq LIMIT ?')
        .all(channelId, threadId, afterSeq, limit) as Row[]).map(toMessage)
    },

    async setMessageStatus (channelId: string, messageId: string, status: MessageStatus): Promise<boolean> {
      return sql.tx(() => {
        const r = sql.prepare('SELECT status FROM messages WHERE channel_id = ? AND message_id = ?').get(channelId, messageId) as Row | undefined
        if (!r) return false
        const next = nextStatus(r.status, status)
        if (next === r.status) return false
        sql.prepare('UPDATE messages SET status = ? WHERE channel_id = ? AND message_id = ?').run(next, channelId, messageId)
        return true
      })
    }
  }
}
