import { enqueueJob } from './sqlite-outbox.js'
import type { Row, SqliteSql } from './sqlite-sql.js'
import type { Timer, TimersPort } from './ports/timers.js'

const toTimer = (r: Row): Timer => ({ key: r.key, kind: r.kind, dueAt: r.due_at, payload: JSON.parse(r.payload) })

/** Timers on SQLite; due ones become outbox jobs in the transaction that deletes them. */
export function sqliteTimers (sql: SqliteSql): TimersPort {
  return {
    async setTimer (t: Timer): Promise<void> {
      sql.prepare('INSERT OR REPLACE INTO timers (key, kind, due_at, payload) VALUES (?, ?, ?, ?)').run(t.key, t.kind, t.dueAt, JSON.stringify(t.payload))
    },

    async cancelTimer (key: string): Promise<boolean> {
      return sql.prepare('DELETE FROM timers WHERE key = ?').run(key).changes === 1
    },

    async getTimer (key: string): Promise<Timer | undefined> {
      const r = sql.prepare('SELECT * FROM timers WHERE key = ?').get(key) as Row | undefined
      return r ? toTimer(r) : undefined
    },

    async moveDueTimersToJobs (now: number, limit: number): Promise<number> {
      return sql.tx(() => {
        const rows = sql.prepare('SELECT * FROM timers WHERE due_at <= ? ORDER BY due_at LIMIT ?').all(now, limit) as Row[]
        const del = sql.prepare('DELETE FROM timers WHERE key = ? AND due_at = ?')
        for (const r of rows) {
          const { key, ...timer } = toTimer(r)
          enqueueJob(sql, { kind: 'timer.fire', orderKey: `timer:${key}`, dedupeKey: `timer:${key}:${r.due_at}`, runAt: now, payload: { key, timer } })
          del.run(r.key, r.due_at)
        }
        return rows.length
      })
    },

    async countTimers (): Promise<number> {
      return (sql.prepare('SELECT COUNT(*) AS n FROM timers').get() as Row).n
    }
  }
}
