import { enqueueJob } from './sqlite-outbox.js'
import { insertMessageRow, toThread } from './sqlite-conversations.js'
import type { Row, SqliteSql } from './sqlite-sql.js'
import type { InboundIdle, InboundOutcome, InboundPort, InboundStep } from './ports/inbound.js'
import type { Thread } from './ports/conversations.js'

/** The inbound step on SQLite: one IMMEDIATE transaction, so one commit per customer message (ports/inbound.ts). */
export function sqliteInbound (sql: SqliteSql): InboundPort {
  const threadRow = (channelId: string, threadId: string): Row | undefined =>
    sql.prepare('SELECT * FROM threads WHERE channel_id = ? AND thread_id = ?').get(channelId, threadId) as Row | undefined
  // the current thread: as sqlite-conversations.ts findCurrentThread
  const currentRow = (channelId: string, customerId: string): Row | undefined =>
    sql.prepare(`SELECT * FROM threads WHERE channel_id = ? AND customer_id = ? AND status = 'open'
      ORDER BY last_activity_at DESC, created_at DESC, rowid DESC LIMIT 1`).get(channelId, customerId) as Row | undefined

  /** The thread the message goes to, or why it goes nowhere (nothing written yet either way). */
  const resolve = (s: InboundStep): Thread | Exclude<InboundOutcome, { outcome: 'stored' }> | 'new' => {
    const existing = threadRow(s.channelId, s.threadId)
    if (s.rule === 'current') {
      const current = currentRow(s.channelId, s.customerId)
      if (current) return current.thread_id === s.threadId ? toThread(current) : { outcome: 'elsewhere', current: toThread(current) }
      return existing ? { outcome: 'elsewhere' } : 'new'
    }
    if (existing) {
      if (existing.customer_id !== s.customerId) return { outcome: 'refused', code: 'THREAD_UNKNOWN' }
      if (existing.status === 'closed') {
        // a retry of a message stored before the close is still a success, not a rejection
        const stored = sql.prepare('SELECT thread_id FROM messages WHERE channel_id = ? AND message_id = ?').get(s.channelId, s.message.messageId) as Row | undefined
        if (stored?.thread_id !== s.threadId && (existing.closed_reason !== 'agent' || s.blockAfterAgentClose)) return { outcome: 'refused', code: 'THREAD_CLOSED' }
      }
      return toThread(existing)
    }
    const current = currentRow(s.channelId, s.customerId)
    return current ? { outcome: 'supersede', current: toThread(current) } : 'new'
  }

  const applyIdle = (s: InboundStep, idle: InboundIdle): boolean => {
    const cleared = sql.prepare('DELETE FROM timers WHERE key = ?').run(idle.countdownKey).changes === 1
    if (cleared) enqueueJob(sql, idle.clearedSignal)
    if (idle.runs === 'always' || away(s, idle.presenceCollection)) {
      const w = idle.warning
      sql.prepare('INSERT OR REPLACE INTO timers (key, kind, due_at, payload) VALUES (?, ?, ?, ?)').run(w.key, w.kind, w.dueAt, JSON.stringify(w.payload))
    } else {
      sql.prepare('DELETE FROM timers WHERE key = ?').run(idle.warning.key)
    }
    return cleared
  }

  // PresenceBook.of, read inside the transaction: some connection reported, and none is present now
  const away = (s: InboundStep, collection: string): boolean => {
    const docs = (sql.prepare('SELECT doc FROM docs WHERE collection = ?').all(collection) as Row[]).map(r => JSON.parse(r.doc) as { state?: string, until?: number })
    return docs.length > 0 && !docs.some(d => d.state === 'present' && (d.until ?? 0) > s.now)
  }

  return {
    async storeInbound (s: InboundStep): Promise<InboundOutcome> {
      return sql.tx(() => {
        const found = resolve(s)
        if (found !== 'new' && 'outcome' in found) return found
        if (found === 'new') {
          sql.prepare(`INSERT INTO threads (channel_id, thread_id, customer_id, status, created_at, last_activity_at)
            VALUES (?, ?, ?, 'open', ?, ?)`).run(s.channelId, s.threadId, s.customerId, s.now, s.now)
        }
        if (s.customer) {
          sql.prepare(`INSERT INTO customers (channel_id, customer_id, name, avatar, created_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (channel_id, customer_id) DO UPDATE SET name = excluded.name, avatar = excluded.avatar`)
            .run(s.channelId, s.customerId, s.customer.name, s.customer.avatar ?? null, s.now)
        }
        const inserted = insertMessageRow(sql, s.message, s.job)
        if (inserted.created) {
          sql.prepare('UPDATE threads SET last_activity_at = MAX(last_activity_at, ?) WHERE channel_id = ? AND thread_id = ?').run(s.now, s.channelId, s.threadId)
        }
        const thread = toThread(threadRow(s.channelId, s.threadId)!)
        const countdownCleared = inserted.created && s.idle !== undefined && thread.status === 'open' && applyIdle(s, s.idle)
        return { outcome: 'stored', ...inserted, thread, countdownCleared }
      })
    }
  }
}
