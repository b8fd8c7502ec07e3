import { fields, pairKey, toJob, toMessage } from './redis-codec.js'
import type { RedisKeyspace } from './redis-keyspace.js'
import type { Job, JobFilter, JobOutcome, NewJob, OutboxPort, OutboxStats } from './ports/outbox.js'

/** A job as the outbox scripts take it (redis-lua-outbox.ts `enqueue`): kind, orderKey, dedupeKey, payload, runAt, now. */
export function jobArgs (job: NewJob, now: number): Array<string | number> {
  return [job.kind, job.orderKey, job.dedupeKey ?? '', JSON.stringify(job.payload ?? null), job.runAt ?? now, now]
}

/** One outcome as settleAndClaim's script takes it: jobId, what, runAt, error, counted, message key, status, thread key, at, contactId. */
function outcomeArgs (o: JobOutcome): Array<string | number> {
  if (o.outcome === 'done') {
    const s = o.messageStatus
    const t = o.threadTouch
    return [String(o.jobId), 'done', 0, '', 1, s ? pairKey(s.channelId, s.messageId) : '', s?.status ?? '',
      t ? pairKey(t.channelId, t.threadId) : '', t?.at ?? 0, t?.contactId ?? '']
  }
  if (o.outcome === 'retry') return [String(o.jobId), 'retry', o.runAt, o.error, o.countAttempt ? 1 : 0, '', '', '', 0, '']
  return [String(o.jobId), 'dead', 0, o.error, 1, '', '', '', 0, '']
}

/** A claimed job as the claim script returns it: id, the job's hash, the hash of the message its payload names. */
const claimed = ([id, job, message]: [string, unknown, unknown]): Job => {
  const m = fields(message)
  return { ...toJob(id, fields(job)), ...(m.doc !== undefined ? { message: toMessage(m) } : {}) }
}

/** The outbox on Redis: every change is one Lua script (redis-lua-outbox.ts), atomic across instances. */
export function redisOutbox (ks: RedisKeyspace): OutboxPort {
  const { redis } = ks
  return {
    async enqueue (job: NewJob): Promise<Job | undefined> {
      // jobs carry what a request acked (a reply, an action); job completions are not confirmed: one lost in a failover
      // only runs its job again, which the receivers' dedupe absorbs
      const res = await ks.ack.confirmed(() => ks.lua('enqueue', ...jobArgs(job, Date.now()))) as [number, unknown] | null
      return res ? toJob(res[0], fields(res[1])) : undefined
    },

    async claimJobs (owner: string, limit: number, leaseMs: number, now = Date.now()): Promise<Job[]> {
      const rows = await ks.lua('claimJobs', owner, limit, leaseMs, now) as Array<[string, unknown, unknown]>
      return rows.map(claimed)
    },

    async settleAndClaim (owner: string, outcomes: readonly JobOutcome[], limit: number, leaseMs: number, now = Date.now()): Promise<Job[]> {
      const rows = await ks.lua('settleAndClaim', owner, limit, leaseMs, now, ...outcomes.flatMap(outcomeArgs)) as Array<[string, unknown, unknown]>
      return rows.map(claimed)
    },

    async completeJob (jobId: Job['jobId'], owner: string): Promise<void> {
      await ks.lua('completeJob', String(jobId), owner)
    },

    async retryJob (jobId: Job['jobId'], owner: string, runAt: number, error: string, opts?: { countAttempt?: boolean }): Promise<void> {
      await ks.lua('retryJob', String(jobId), owner, runAt, error, opts?.countAttempt === false ? 0 : 1)
    },

    async buryJob (jobId: Job['jobId'], owner: string, error: string): Promise<void> {
      await ks.lua('buryJob', String(jobId), owner, error)
    },

    async listJobs (f: JobFilter): Promise<Job[]> {
      const index = ks.k(f.state ? `jobs:${f.state}` : 'jobs')
      return ks.scanIndex(index, f.limit ?? 1000, id => ks.k(`j:${id}`), (id, h) => {
        if (h.state === undefined || (f.state && h.state !== f.state) || (f.kind && h.kind !== f.kind)) return undefined
        return toJob(id, h)
      })
    },

    async replayJob (jobId: Job['jobId']): Promise<boolean> {
      return await ks.lua('replayJob', String(jobId), Date.now()) === 1
    },

    async outboxStats (now = Date.now()): Promise<OutboxStats> {
      const res = await redis.multi()
        .zcard(ks.k('jobs:pending'))
        .zcard(ks.k('jobs:dead'))
        .zrange(ks.k('pending-age'), 0, 0, 'WITHSCORES')
        .exec()
      const oldest = res![2][1] as string[]
      return {
        pending: Number(res![0][1]),
        dead: Number(res![1][1]),
        oldestPendingAgeMs: oldest.length ? Math.max(0, now - Number(oldest[1])) : 0
      }
    }
  }
}
