import type { Row, SqliteSql } from './sqlite-sql.js'
import type { ClaimedTimer, Timer, TimerClaims, TimersPort } from './ports/timers.js'

const toTimer = (r: Row): Timer => ({ key: r.key, kind: r.kind, dueAt: r.due_at, payload: JSON.parse(r.payload) })

/**
 * Timers on SQLite. A claim is `claimed_until` on the row (NULL: unclaimed); setTimer replaces the row, so a timer
 * set again while claimed drops the claim and its completion removes nothing.
 */
export function sqliteTimers (sql: SqliteSql): TimersPort {
  return {
    async setTimer (t: Timer): Promise<void> {
      sql.prepare('INSERT OR REPLACE INTO timers (key, kind, due_at, payload, claimed_until) VALUES (?, ?, ?, ?, NULL)').run(t.key, t.kind, t.dueAt, JSON.stringify(t.payload))
    },

    async cancelTimer (key: string): Promise<boolean> {
      return sql.prepare('DELETE FROM timers WHERE key = ?').run(key).changes === 1
    },

    async getTimer (key: string): Promise<Timer | undefined> {
      const r = sql.prepare('SELECT * FROM timers WHERE key = ?').get(key) as Row | undefined
      return r ? toTimer(r) : undefined
    },

    async claimDueTimers (now: number, limit: number, leaseMs: number): Promise<TimerClaims> {
      const claim = now + leaseMs
      return sql.tx(() => {
        // one statement claims the batch; the timers_due index finds it (claimed rows are few: in flight only)
        const rows = sql.prepare(`UPDATE timers SET claimed_until = ? WHERE key IN (
            SELECT key FROM timers WHERE due_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY due_at LIMIT ?
          ) RETURNING *`).all(claim, now, now, limit) as Row[]
        const timers: ClaimedTimer[] = rows.map(r => ({ ...toTimer(r), claim })).sort((a, b) => a.dueAt - b.dueAt)
        const next = sql.prepare('SELECT due_at FROM timers WHERE claimed_until IS NULL ORDER BY due_at LIMIT 1').pluck().get() as number | undefined
        return { timers, nextDueAt: next ?? undefined }
      })
    },

    async completeTimers (claims: ReadonlyArray<Pick<ClaimedTimer, 'key' | 'claim'>>): Promise<number> {
      if (claims.length === 0) return 0
      return sql.tx(() => {
        const del = sql.prepare('DELETE FROM timers WHERE key = ? AND claimed_until = ?')
        let n = 0
        for (const c of claims) n += del.run(c.key, c.claim).changes
        return n
      })
    },

    async countTimers (): Promise<number> {
      return (sql.prepare('SELECT COUNT(*) AS n FROM timers').get() as Row).n
    }
  }
}
