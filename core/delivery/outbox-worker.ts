import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Job, Store } from '../store/types.js'
import { backoffDelay } from '../cxone/http-retry.js'

/** What a job handler can tell the worker besides success. */
export class JobFailure extends Error {
  constructor (message: string, readonly opts: { retryable: boolean, retryAfterMs?: number }, options?: { cause?: unknown }) { super(message, options) }
}

export type JobHandler = (job: Job, signal: AbortSignal) => Promise<void>

export interface OutboxWorkerOptions {
  store: Store
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
  onOutcome?: (kind: string, outcome: 'done' | 'retry' | 'dead', durationMs: number) => void
}

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

  constructor (private readonly opts: OutboxWorkerOptions) {}

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

  private async tick (): Promise<void> {
    if (this.running || this.stopped) return
    this.running = true
    let claimed = 0
    try {
      const capacity = (this.opts.concurrency ?? 16) - this.inflight.size
      if (capacity > 0) {
        const jobs = await this.opts.store.claimJobs(this.owner, capacity, this.opts.leaseMs ?? 30_000)
        claimed = jobs.length
        for (const job of jobs) {
          const p = this.run(job).finally(() => { this.inflight.delete(p); this.kick() })
          this.inflight.add(p)
        }
      }
    } catch (err) {
      this.opts.log.warn({ err }, 'outbox claim failed; will retry')
    } finally {
      this.running = false
      const soon = this.again || claimed > 0
      this.again = false
      this.schedule(soon ? 0 : this.opts.pollMs ?? 200)
    }
  }

  private async run (job: Job): Promise<void> {
    const started = performance.now()
    const handler = this.opts.handlers[job.kind]
    const { store, log } = this.opts
    try {
      if (!handler) throw new JobFailure(`no handler for job kind '${job.kind}'`, { retryable: false })
      await handler(job, this.abort.signal)
      await store.completeJob(job.jobId, this.owner)
      this.opts.onOutcome?.(job.kind, 'done', performance.now() - started)
    } catch (err) {
      const failure = err instanceof JobFailure ? err : undefined
      const retryable = failure ? failure.opts.retryable : true
      const message = err instanceof Error ? err.message : String(err)
      const attempt = job.attempts + 1
      try {
        if (!retryable || attempt >= this.opts.maxAttempts) {
          log.error({ jobId: job.jobId, kind: job.kind, attempt, err: message }, 'job failed for good: dead letter')
          await store.buryJob(job.jobId, this.owner, message)
          this.opts.onOutcome?.(job.kind, 'dead', performance.now() - started)
        } else {
          const delay = Math.max(failure?.opts.retryAfterMs ?? 0, backoffDelay(job.attempts + 1, this.opts.retryBaseMs, this.opts.retryMaxMs))
          log.warn({ jobId: job.jobId, kind: job.kind, attempt, delayMs: delay, err: message }, 'job failed; retrying')
          await store.retryJob(job.jobId, this.owner, Date.now() + delay, message)
          this.opts.onOutcome?.(job.kind, 'retry', performance.now() - started)
        }
      } catch (storeErr) {
        // the lease will lapse and the job run again: at-least-once holds
        log.error({ err: storeErr, jobId: job.jobId }, 'could not record job outcome')
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
  }
}
