import { randomUUID } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import type { FastifyBaseLogger } from 'fastify'
import type { Job, JobOutcome, OutboxPort } from '../store/types.js'
import { backoffDelay } from './http-retry.js'
import { CircuitBreaker, DEFAULT_BREAKER, type BreakerOptions } from './circuit-breaker.js'
import { jobSignal } from './job-signal.js'

/** What a job handler can tell the worker besides success. */
export class JobFailure extends Error {
  constructor (message: string, readonly opts: { retryable: boolean, retryAfterMs?: number }, options?: { cause?: unknown }) { super(message, options) }
}

type Done = Extract<JobOutcome, { outcome: 'done' }>

/** What a finished job leaves for its completion to record (in the same store call). */
export interface JobDone { readonly messageStatus?: Done['messageStatus'], readonly threadTouch?: Done['threadTouch'] }

export type JobHandler = (job: Job, signal: AbortSignal) => Promise<void | JobDone>

/** An outcome waiting for the next tick's store call, and what to report once it is recorded. */
interface Settled { readonly outcome: JobOutcome, readonly job: Job, readonly durationMs: number }

/** How often a job is tried and how long it waits between tries. */
export interface RetryPolicy { readonly maxAttempts: number, readonly retryBaseMs: number, readonly retryMaxMs: number }

export interface OutboxWorkerOptions {
  store: OutboxPort
  handlers: Record<string, JobHandler>
  log: FastifyBaseLogger
  /** total attempts before a job becomes a dead letter */
  maxAttempts: number
  retryBaseMs: number
  retryMaxMs: number
  /** longest a job may run before its lease lapses and another instance may take it */
  leaseMs?: number
  pollMs?: number
  concurrency?: number
  onOutcome?: (kind: string, outcome: 'done' | 'retry' | 'dead', durationMs: number, job: Job) => void
  /** the job's own policy (each tenant's cxone block has its own); the three options above when undefined */
  retryPolicyOf?: (job: Job) => RetryPolicy | undefined
  /** which upstream a job calls ('cxone:<tenant>', 'platform:<channel>'), for its circuit breaker; undefined = none */
  upstreamOf?: (job: Job) => string | undefined
  /**
   * Bulkhead: the most jobs toward one upstream in flight at once (undefined = no cap), so an upstream that hangs
   * until its timeout cannot hold every slot; a job over the cap waits queued, its attempt not counted.
   */
  upstreamLimit?: (upstream: string) => number | undefined
  breaker?: Partial<BreakerOptions>
  /** retries in flight at once: at most max(min, ratio x jobs in flight) (Envoy's retry budget); the rest wait */
  retryBudget?: { ratio: number, min: number }
}

/** What the worker held back, for tests and operators. */
export interface WorkerStats { deferredByBreaker: number, deferredByBudget: number, deferredByBulkhead: number, rateLimited: number, maxRetriesInFlight: number }

/** how long a job held back by the bulkhead waits: a slot frees within the upstream's timeout; a second does not spin */
const BULKHEAD_WAIT_MS = 1000
/** jobs held back by an open breaker come due spread over this long after its cool-down */
const BREAKER_SPREAD_MS = 1000

/**
 * Drains the durable outbox: at-least-once, in order per orderKey, leases instead of locks so a killed
 * instance's jobs run again elsewhere. `kick()` wakes it at once after an enqueue, so the fast path is not a poll.
 */
export class OutboxWorker {
  readonly owner = `worker-${randomUUID()}`
  private timer: NodeJS.Timeout | undefined
  private running = false
  private again = false
  private stopped = true
  private readonly inflight = new Set<Promise<void>>()
  private readonly abort = new AbortController()
  private readonly breakers = new Map<string, CircuitBreaker>()
  private retriesInFlight = 0
  /** jobs in flight per upstream, for upstreamLimit */
  private readonly perUpstream = new Map<string, number>()
  /** outcomes of finished jobs, recorded by the next tick together with its claim (one store call per tick) */
  private settled: Settled[] = []
  readonly stats: WorkerStats = { deferredByBreaker: 0, deferredByBudget: 0, deferredByBulkhead: 0, rateLimited: 0, maxRetriesInFlight: 0 }

  constructor (private readonly opts: OutboxWorkerOptions) {
    // every in-flight job listens on the one shutdown signal: as many listeners as the concurrency, by design
    setMaxListeners(0, this.abort.signal)
  }

  /** The breaker toward one upstream (created closed on first use). */
  breaker (upstream: string): CircuitBreaker {
    let b = this.breakers.get(upstream)
    if (!b) this.breakers.set(upstream, b = new CircuitBreaker({ ...DEFAULT_BREAKER, ...this.opts.breaker }))
    return b
  }

  start (): void {
    this.stopped = false
    this.schedule(0)
  }

  /** Something was enqueued: run now rather than at the next poll. */
  kick (): void {
    if (this.stopped) return
    if (this.running) { this.again = true; return }
    this.schedule(0)
  }

  private schedule (ms: number): void {
    if (this.stopped) return
    clearTimeout(this.timer)
    this.timer = setTimeout(() => { void this.tick() }, ms)
    this.timer.unref()
  }

  /**
   * One store call per tick: the outcomes of the jobs finished since the last tick, and the claim of as many jobs
   * as there are free slots. A job's completion (and the message status it set) is recorded one tick after it
   * finished; the next job of its orderKey becomes claimable then, by the next tick of any instance.
   */
  private async tick (): Promise<void> {
    if (this.running || this.stopped) return
    this.running = true
    let claimed = 0
    const settled = this.settled
    this.settled = []
    try {
      const capacity = Math.max(0, (this.opts.concurrency ?? 16) - this.inflight.size)
      if (capacity > 0 || settled.length > 0) {
        const jobs = await this.opts.store.settleAndClaim(this.owner, settled.map(s => s.outcome), capacity, this.opts.leaseMs ?? 30_000)
        this.reported(settled)
        claimed = jobs.length
        for (const job of jobs) {
          const p = this.run(job).finally(() => { this.inflight.delete(p); this.kick() })
          this.inflight.add(p)
        }
      }
    } catch (err) {
      // outcomes not recorded: their leases lapse and those jobs run again (at-least-once; receivers dedupe)
      this.opts.log.warn({ err, outcomes: settled.length }, 'outbox claim failed; will retry')
    } finally {
      this.running = false
      // after a completion, claim again at once: the job it unblocked is due
      const soon = this.again || claimed > 0 || settled.length > 0 || this.settled.length > 0
      this.again = false
      this.schedule(soon ? 0 : this.opts.pollMs ?? 200)
    }
  }

  private reported (settled: readonly Settled[]): void {
    for (const s of settled) this.opts.onOutcome?.(s.job.kind, s.outcome.outcome === 'done' ? 'done' : s.outcome.outcome === 'retry' ? 'retry' : 'dead', s.durationMs, s.job)
  }

  /** Puts a claimed job back without counting an attempt: the upstream never judged it. */
  private defer (job: Job, runAt: number, why: string): void {
    this.settled.push({ outcome: { jobId: job.jobId, outcome: 'retry', runAt, error: why, countAttempt: false }, job, durationMs: 0 })
  }

  /** Records the outcome with the next tick's store call. */
  private settle (job: Job, outcome: JobOutcome, started: number): void {
    this.settled.push({ outcome, job, durationMs: performance.now() - started })
  }

  private policy (job: Job): RetryPolicy {
    return this.opts.retryPolicyOf?.(job) ?? this.opts
  }

  private async run (job: Job): Promise<void> {
    const isRetry = job.attempts > 0
    const budget = this.opts.retryBudget ?? { ratio: 0.2, min: 3 }
    const { retryBaseMs, retryMaxMs } = this.policy(job)
    if (isRetry && this.retriesInFlight >= Math.max(budget.min, Math.floor(budget.ratio * (this.inflight.size + 1)))) {
      this.stats.deferredByBudget++
      this.defer(job, Date.now() + Math.max(retryBaseMs, backoffDelay(job.attempts, retryBaseMs, retryMaxMs)), 'retry budget spent; waiting')
      return
    }
    const upstream = this.opts.upstreamOf?.(job)
    const breaker = upstream !== undefined ? this.breaker(upstream) : undefined
    if (breaker && !breaker.allow()) {
      this.stats.deferredByBreaker++
      // spread over a second after the cool-down: the queue toward a broken upstream would otherwise come due at one
      // moment, each cool-down, and fill whole claims ahead of other upstreams' jobs (another tenant's p99)
      this.defer(job, breaker.retryAt() + Math.floor(Math.random() * BREAKER_SPREAD_MS), `circuit open toward ${upstream}; queued`)
      return
    }
    const limit = upstream !== undefined ? this.opts.upstreamLimit?.(upstream) : undefined
    if (upstream !== undefined && limit !== undefined && (this.perUpstream.get(upstream) ?? 0) >= limit) {
      this.stats.deferredByBulkhead++
      this.defer(job, Date.now() + BULKHEAD_WAIT_MS, `${limit} jobs toward ${upstream} in flight already; queued`)
      return
    }
    if (upstream !== undefined) this.perUpstream.set(upstream, (this.perUpstream.get(upstream) ?? 0) + 1)
    if (isRetry) this.stats.maxRetriesInFlight = Math.max(this.stats.maxRetriesInFlight, ++this.retriesInFlight)
    try {
      await this.attempt(job, breaker)
    } finally {
      if (isRetry) this.retriesInFlight--
      if (upstream !== undefined) this.perUpstream.set(upstream, this.perUpstream.get(upstream)! - 1)
    }
  }

  private async attempt (job: Job, breaker: CircuitBreaker | undefined): Promise<void> {
    const started = performance.now()
    const { maxAttempts, retryBaseMs, retryMaxMs } = this.policy(job)
    const handler = this.opts.handlers[job.kind]
    const { log } = this.opts
    try {
      if (!handler) throw new JobFailure(`no handler for job kind '${job.kind}'`, { retryable: false })
      // a job must not outlive its lease: once the lease lapses another claim may run it too (a duplicate while
      // this one still runs), so the handler is aborted a little before that and the job retried in order instead
      const { signal, release } = jobSignal(this.abort.signal, Math.floor((this.opts.leaseMs ?? 30_000) * 0.9))
      let done: void | JobDone
      try {
        done = await handler(job, signal)
      } finally {
        release()
      }
      breaker?.record(true)
      this.settle(job, {
        jobId: job.jobId, outcome: 'done',
        ...(done?.messageStatus ? { messageStatus: done.messageStatus } : {}), ...(done?.threadTouch ? { threadTouch: done.threadTouch } : {})
      }, started)
    } catch (err) {
      const failure = err instanceof JobFailure ? err : undefined
      const retryable = failure ? failure.opts.retryable : true
      const message = err instanceof Error ? err.message : String(err)
      // 429: the upstream is alive and asks us to slow down; not a failure, not an attempt (Convoy isCountedFailure)
      const rateLimited = (failure?.cause as { code?: unknown } | undefined)?.code === 'BYOC_ERR_CXONE_RATE_LIMITED'
      if (!this.abort.signal.aborted) breaker?.record(!retryable || rateLimited)
      const attempt = job.attempts + 1
      if (rateLimited) {
        this.stats.rateLimited++
        const delay = Math.max(failure?.opts.retryAfterMs ?? 0, backoffDelay(attempt, retryBaseMs, retryMaxMs))
        log.warn({ jobId: job.jobId, kind: job.kind, delayMs: delay }, 'rate limited; waiting without counting an attempt')
        this.settle(job, { jobId: job.jobId, outcome: 'retry', runAt: Date.now() + delay, error: message, countAttempt: false }, started)
      } else if (!retryable || attempt >= maxAttempts) {
        log.error({ jobId: job.jobId, kind: job.kind, attempt, err: message }, 'job failed for good: dead letter')
        this.settle(job, { jobId: job.jobId, outcome: 'dead', error: message }, started)
      } else {
        const delay = Math.max(failure?.opts.retryAfterMs ?? 0, backoffDelay(job.attempts + 1, retryBaseMs, retryMaxMs))
        log.warn({ jobId: job.jobId, kind: job.kind, attempt, delayMs: delay, err: message }, 'job failed; retrying')
        this.settle(job, { jobId: job.jobId, outcome: 'retry', runAt: Date.now() + delay, error: message, countAttempt: true }, started)
      }
    }
  }

  /** Stop claiming, let in-flight jobs finish (up to graceMs), then abort the rest (their leases lapse). */
  async stop (graceMs = 5000): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    const all = Promise.allSettled([...this.inflight])
    const timeout = new Promise(resolve => setTimeout(resolve, graceMs).unref())
    await Promise.race([all, timeout])
    this.abort.abort()
    // aborted handlers settle as retries within moments of the abort
    await Promise.race([all, new Promise(resolve => setTimeout(resolve, 1000).unref())])
    // the outcomes of what finished: recorded now, or the jobs would run again once their leases lapse
    await this.flushSettled()
  }

  private async flushSettled (): Promise<void> {
    while (this.running) await new Promise(resolve => setTimeout(resolve, 1))
    const settled = this.settled
    this.settled = []
    if (settled.length === 0) return
    try {
      await this.opts.store.settleAndClaim(this.owner, settled.map(s => s.outcome), 0, this.opts.leaseMs ?? 30_000)
      this.reported(settled)
    } catch (err) {
      this.opts.log.error({ err, outcomes: settled.length }, 'could not record job outcomes at shutdown; their leases will lapse')
    }
  }
}
