import type { Row, SqliteSql } from './sqlite-sql.js'
import { toThread } from './sqlite-conversations.js'
import { ERASED_REASON, type PrivacyPort, type ScrubResult, type StoredRecord } from './ports/privacy.js'
import type { Customer, Thread } from './ports/conversations.js'
import type { Timer } from './ports/timers.js'

/** Tries of a TRUNCATE checkpoint: a reader (another process, the checkpointer thread) may hold the WAL a moment. */
const CHECKPOINT_TRIES = 20

/**
 * Retention and erasure on SQLite. Deleted rows must not linger in the file's free space: the connection runs with
 * `secure_delete = FAST` (a freed cell is zeroed when that costs no extra write, e.g. the old image of an updated
 * row), and the privacy deletions run with `secure_delete = ON` (freed pages are zeroed too). `scrub` then
 * checkpoints the WAL and truncates it, so the pages written before the delete leave the WAL file as well.
 */
export function sqlitePrivacy (sql: SqliteSql): PrivacyPort {
  const { db } = sql
  db.pragma('secure_delete = FAST')
  const secure = <T>(fn: () => T): T => {
    db.pragma('secure_delete = ON')
    try { return sql.tx(fn) } finally { db.pragma('secure_delete = FAST') }
  }

  return {
    async listClosedThreadsBefore (before: number, limit: number): Promise<Thread[]> {
      // last activity is never before creation: the created_at index narrows the walk
      return (sql.prepare(`SELECT * FROM threads WHERE created_at < ? AND status = 'closed' AND last_activity_at < ?
        ORDER BY created_at LIMIT ?`).all(before, before, limit) as Row[]).map(toThread)
    },

    async listCustomersWithoutThreads (before: number, limit: number): Promise<Customer[]> {
      return (sql.prepare(`SELECT * FROM customers c WHERE c.created_at < ? AND NOT EXISTS
        (SELECT 1 FROM threads t WHERE t.channel_id = c.channel_id AND t.customer_id = c.customer_id) LIMIT ?`).all(before, limit) as Row[])
        .map(r => ({ channelId: r.channel_id, customerId: r.customer_id, name: r.name, ...(r.avatar != null ? { avatar: r.avatar } : {}), createdAt: r.created_at }))
    },

    async deleteThread (channelId: string, threadId: string): Promise<number> {
      return secure(() => {
        const n = sql.prepare('DELETE FROM messages WHERE channel_id = ? AND thread_id = ?').run(channelId, threadId).changes
        sql.prepare('DELETE FROM threads WHERE channel_id = ? AND thread_id = ?').run(channelId, threadId)
        return n
      })
    },

    async deleteCustomer (channelId: string, customerId: string): Promise<boolean> {
      return secure(() => sql.prepare('DELETE FROM customers WHERE channel_id = ? AND customer_id = ?').run(channelId, customerId).changes === 1)
    },

    async listTimers (): Promise<Timer[]> {
      return (sql.prepare('SELECT * FROM timers ORDER BY due_at, key').all() as Row[])
        .map(r => ({ key: r.key, kind: r.kind, dueAt: r.due_at, payload: JSON.parse(r.payload) }))
    },

    async deleteJob (jobId): Promise<boolean> {
      return secure(() => sql.prepare("DELETE FROM jobs WHERE job_id = ? AND state <> 'pending'").run(jobId).changes === 1)
    },

    async eraseJob (jobId): Promise<boolean> {
      return secure(() => sql.prepare(`UPDATE jobs SET state = 'dead', payload = '{"erased":true}', order_key = 'erased:' || job_id,
        dedupe_key = NULL, last_error = ?, lease_owner = NULL, lease_until = NULL WHERE job_id = ? AND state = 'pending'`)
        .run(ERASED_REASON, jobId).changes === 1)
    },

    async * records (batchSize = 200): AsyncIterable<StoredRecord[]> {
      for (let after = 0; ;) {
        const rows = sql.prepare('SELECT rowid, collection, id, doc FROM docs WHERE rowid > ? ORDER BY rowid LIMIT ?').all(after, batchSize) as Row[]
        if (rows.length === 0) break
        after = rows.at(-1)!.rowid
        yield rows.map(r => ({ kind: 'doc', collection: r.collection, id: r.id, value: JSON.parse(r.doc) }))
      }
      for (let after = 0; ;) {
        // expired rows too: reads ignore them, but their bytes are still in the file until the purge
        const rows = sql.prepare('SELECT rowid, scope, key, value FROM idempotency WHERE rowid > ? ORDER BY rowid LIMIT ?').all(after, batchSize) as Row[]
        if (rows.length === 0) break
        after = rows.at(-1)!.rowid
        yield rows.map(r => ({ kind: 'remembered', collection: r.scope, id: r.key, value: JSON.parse(r.value) }))
      }
    },

    async deleteRecord (r): Promise<boolean> {
      return secure(() => r.kind === 'doc'
        ? sql.prepare('DELETE FROM docs WHERE collection = ? AND id = ?').run(r.collection, r.id).changes === 1
        : sql.prepare('DELETE FROM idempotency WHERE scope = ? AND key = ?').run(r.collection, r.id).changes === 1)
    },

    async scrub (): Promise<ScrubResult> {
      if (db.memory) return { walCheckpointed: true }
      for (let i = 0; i < CHECKPOINT_TRIES; i++) {
        sql.flush() // a group-commit turn left open on this connection would keep the checkpoint from truncating
        const [r] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number, log: number, checkpointed: number }>
        if (r !== undefined && r.busy === 0) return { walCheckpointed: true }
        await new Promise(resolve => setTimeout(resolve, 50))
      }
      return { walCheckpointed: false }
    }
  }
}
