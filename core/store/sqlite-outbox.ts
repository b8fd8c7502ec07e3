import type { Job, JobFilter, JobOutcome, NewJob, OutboxPort, OutboxStats } from './ports/outbox.js'
import type { MessageStatus } from './ports/conversations.js'
import { nextStatus } from './message-status.js'
import { toMessage, touchThreadRow } from './sqlite-conversations.js'
import { PLATFORM_LANE } from './sqlite-schema.js'
import type { Row, SqliteSql } from './sqlite-sql.js'

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

/**
 * Inserts a job unless its dedupeKey exists; synchronous, so insertMessage and moveDueTimersToJobs can call it
 * inside their own transaction (the message or the timer and its job commit together).
 */
export function enqueueJob (sql: SqliteSql, job: NewJob): Job | undefined {
  const now = Date.now()
  const r = sql.prepare(`INSERT INTO jobs (kind, order_key, dedupe_key, payload, state, run_at, created_at)
    VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`)
    .run(job.kind, job.orderKey, job.dedupeKey ?? null, JSON.stringify(job.payload), job.runAt ?? now, now)
  if (r.changes === 0) return undefined
  return toJob(sql.prepare('SELECT * FROM jobs WHERE job_id = ?').get(r.lastInsertRowid) as Row)
}

/** The outbox on SQLite: every claim is a conditional UPDATE inside an IMMEDIATE transaction. */
export function sqliteOutbox (sql: SqliteSql): OutboxPort {
  // the head of each orderKey: its oldest pending job; later jobs of that key wait for it. The platform lane first,
  // through its own partial index (sqlite-schema.ts), so a backlog toward CXone is not walked: the planner, without
  // statistics, would pick jobs_due; INDEXED BY also fails the statement if the index stopped covering the lane
  const heads = (from: string, lane: string): string => `SELECT j.* FROM ${from}
      WHERE ${lane} AND j.job_id = (SELECT MIN(job_id) FROM jobs h WHERE h.order_key = j.order_key AND h.state = 'pending')
        AND j.run_at <= ? AND (j.lease_until IS NULL OR j.lease_until <= ?)
      ORDER BY j.run_at, j.job_id LIMIT ?`
  const platformHeads = heads('jobs j INDEXED BY jobs_due_platform', PLATFORM_LANE)
  const allHeads = heads('jobs j', "j.state = 'pending'")
  const claim = (owner: string, limit: number, leaseMs: number, now: number): Job[] => {
    const lease = sql.prepare('UPDATE jobs SET lease_owner = ?, lease_until = ? WHERE job_id = ?')
    const message = sql.prepare('SELECT * FROM messages WHERE channel_id = ? AND message_id = ?')
    const jobs: Job[] = []
    for (const text of [platformHeads, allHeads]) {
      if (jobs.length >= limit) break
      // leased at once: the second query passes over what the first took
      for (const r of sql.prepare(text).all(now, now, limit - jobs.length) as Row[]) {
        lease.run(owner, now + leaseMs, r.job_id)
        const job = toJob(r)
        const named = job.payload as { channelId?: unknown, messageId?: unknown } | null
        const m = typeof named?.channelId === 'string' && typeof named.messageId === 'string'
          ? message.get(named.channelId, named.messageId) as Row | undefined
          : undefined
        jobs.push(m ? { ...job, message: toMessage(m) } : job)
      }
    }
    return jobs
  }
  const complete = (jobId: Job['jobId'], owner: string): void => {
    sql.prepare("UPDATE jobs SET state = 'done', lease_owner = NULL, lease_until = NULL, payload = '{}' WHERE job_id = ? AND lease_owner = ?").run(jobId, owner)
  }
  const retry = (jobId: Job['jobId'], owner: string, runAt: number, error: string, counted: boolean): void => {
    sql.prepare('UPDATE jobs SET attempts = attempts + ?, run_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL WHERE job_id = ? AND lease_owner = ?')
      .run(counted ? 1 : 0, runAt, error, jobId, owner)
  }
  const bury = (jobId: Job['jobId'], owner: string, error: string): void => {
    sql.prepare("UPDATE jobs SET state = 'dead', attempts = attempts + 1, last_error = ?, lease_owner = NULL, lease_until = NULL WHERE job_id = ? AND lease_owner = ?")
      .run(error, jobId, owner)
  }
  // the message status a finished job set (as setMessageStatus: only forward), in the completion's transaction
  const setStatus = (channelId: string, messageId: string, status: MessageStatus): void => {
    const r = sql.prepare('SELECT status FROM messages WHERE channel_id = ? AND message_id = ?').get(channelId, messageId) as Row | undefined
    if (!r) return
    const next = nextStatus(r.status, status)
    if (next !== r.status) sql.prepare('UPDATE messages SET status = ? WHERE channel_id = ? AND message_id = ?').run(next, channelId, messageId)
  }
  const settle = (o: JobOutcome, owner: string): void => {
    if (o.outcome === 'done') {
      if (o.messageStatus) setStatus(o.messageStatus.channelId, o.messageStatus.messageId, o.messageStatus.status)
      if (o.threadTouch) touchThreadRow(sql, o.threadTouch.channelId, o.threadTouch.threadId, o.threadTouch.at, o.threadTouch.contactId)
      complete(o.jobId, owner)
    } else if (o.outcome === 'retry') {
      retry(o.jobId, owner, o.runAt, o.error, o.countAttempt)
    } else {
      bury(o.jobId, owner, o.error)
    }
  }

  return {
    async enqueue (job: NewJob): Promise<Job | undefined> {
      return enqueueJob(sql, job)
    },

    async claimJobs (owner: string, limit: number, leaseMs: number, now = Date.now()): Promise<Job[]> {
      return sql.tx(() => claim(owner, limit, leaseMs, now))
    },

    async settleAndClaim (owner: string, outcomes: readonly JobOutcome[], limit: number, leaseMs: number, now = Date.now()): Promise<Job[]> {
      return sql.tx(() => {
        // claim first: a head its completion unblocks goes to whichever instance claims next, not always to this one
        const jobs = limit > 0 ? claim(owner, limit, leaseMs, now) : []
        for (const o of outcomes) settle(o, owner)
        return jobs
      })
    },

    async completeJob (jobId: Job['jobId'], owner: string): Promise<void> {
      complete(jobId, owner)
    },

    async retryJob (jobId: Job['jobId'], owner: string, runAt: number, error: string, opts?: { countAttempt?: boolean }): Promise<void> {
      retry(jobId, owner, runAt, error, opts?.countAttempt !== false)
    },

    async buryJob (jobId: Job['jobId'], owner: string, error: string): Promise<void> {
      bury(jobId, owner, error)
    },

    async listJobs (f: JobFilter): Promise<Job[]> {
      const where: string[] = []
      const args: unknown[] = []
      if (f.state) { where.push('state = ?'); args.push(f.state) }
      if (f.kind) { where.push('kind = ?'); args.push(f.kind) }
      const text = `SELECT * FROM jobs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY job_id LIMIT ?`
      return (sql.prepare(text).all(...args, f.limit ?? 1000) as Row[]).map(toJob)
    },

    async replayJob (jobId: Job['jobId']): Promise<boolean> {
      const r = sql.prepare("UPDATE jobs SET state = 'pending', attempts = 0, run_at = ?, last_error = NULL WHERE job_id = ? AND state = 'dead'").run(Date.now(), jobId)
      return r.changes === 1
    },

    async outboxStats (now = Date.now()): Promise<OutboxStats> {
      const r = sql.prepare(`SELECT
        SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END) AS pending,
        SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END) AS dead,
        MIN(CASE WHEN state = 'pending' THEN created_at END) AS oldest FROM jobs`).get() as Row
      return { pending: r.pending ?? 0, dead: r.dead ?? 0, oldestPendingAgeMs: r.oldest != null ? Math.max(0, now - r.oldest) : 0 }
    }
  }
}
