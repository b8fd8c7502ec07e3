import type { FastifyBaseLogger } from 'fastify'
import type { ClaimedTimer, ConversationsPort, Job, Timer, TimersPort } from '../store/types.js'
import type { ChannelRegistry } from '../channels/runtime.js'
import type { ConversationService } from './service.js'
import type { IdleRule, IdleTimerPayload } from './idle-rule.js'

/** What a due timer does (idleTimerFiring below); throwing leaves the timer claimed, to fire again when the claim lapses. */
export type FireTimer = (timer: Timer) => Promise<void>

export interface TimerLoopOptions {
  /** longest sleep: timers set on other instances are seen at least this often */
  intervalMs?: number
  /** how long a claim holds: a timer whose instance died while firing it fires elsewhere after this */
  leaseMs?: number
  /** timers claimed (and completed) per store call */
  batch?: number
}

/** Ticks closer together than this fire together: a burst of due timers costs a claim per few ms, not per timer. */
const COALESCE_MS = 5
/** timers firing at once at most: beyond this, claiming waits (a claimed timer not yet fired only ages its lease) */
const MAX_IN_FLIGHT = 1024

/**
 * Fires due timers in this process, on time. It sleeps until the store's next due time (which every claim returns),
 * wakes, claims what is due in batches (one atomic store call each: a timer is claimed by one instance), fires each
 * batch concurrently and completes it in one call. The store stays the truth: a timer set or cancelled meanwhile
 * wins over the claim, and a claim whose instance died lapses after `leaseMs`, when another instance claims it.
 * The sleep is capped at `intervalMs`, so timers set elsewhere with an earlier due time are seen in time.
 *
 * Firing used to go through the outbox (a 'timer.fire' job per timer, behind every delivery job the firings
 * themselves queued): 12,500 timers due within 6 s fired up to 11.5 s late (bench: conversations at scale).
 */
export class TimerLoop {
  private handle: NodeJS.Timeout | undefined
  private busy: Promise<void> | undefined
  private stopped = true
  private inFlight = 0
  private readonly firing = new Set<Promise<void>>()
  private readonly intervalMs: number
  private readonly leaseMs: number
  private readonly batch: number

  constructor (
    private readonly store: TimersPort,
    private readonly log: FastifyBaseLogger,
    private readonly fire: FireTimer,
    opts: TimerLoopOptions = {}
  ) {
    this.intervalMs = opts.intervalMs ?? 250
    this.leaseMs = opts.leaseMs ?? 30_000
    this.batch = opts.batch ?? 256
  }

  start (): void {
    this.stopped = false
    this.schedule(0)
  }

  private schedule (ms: number): void {
    if (this.stopped) return
    clearTimeout(this.handle)
    this.handle = setTimeout(() => {
      this.busy = this.tick().then(next => this.schedule(next)).finally(() => { this.busy = undefined })
    }, ms)
    this.handle.unref()
  }

  /**
   * Claims everything due at `now` and sets it firing; returns how long to sleep before the next tick. Batches fire
   * while the next is claimed (up to MAX_IN_FLIGHT timers), so a store round trip per batch does not add up.
   */
  async tick (now = Date.now()): Promise<number> {
    let nextDueAt: number | undefined
    try {
      let claimed: ClaimedTimer[]
      do {
        while (this.inFlight >= MAX_IN_FLIGHT) await Promise.race(this.firing)
        const claims = await this.store.claimDueTimers(now, this.batch, this.leaseMs)
        claimed = claims.timers
        nextDueAt = claims.nextDueAt
        if (claimed.length > 0) this.fireBatch(claimed)
        now = Date.now()
      } while (claimed.length === this.batch && !this.stopped)
    } catch (err) {
      this.log.warn({ err }, 'timer loop failed; retrying next tick')
      return this.intervalMs
    }
    if (nextDueAt === undefined) return this.intervalMs
    return Math.min(this.intervalMs, Math.max(COALESCE_MS, nextDueAt - Date.now()))
  }

  /** Fires a claimed batch concurrently and completes what fired in one call; then looks again (firing sets timers). */
  private fireBatch (timers: ClaimedTimer[]): void {
    this.inFlight += timers.length
    const done = this.fireAll(timers).finally(() => {
      this.inFlight -= timers.length
      this.firing.delete(done)
      // a warning just set its countdown: the next claim reports it, so wake for it rather than after a full interval
      if (!this.busy && !this.stopped) this.schedule(COALESCE_MS)
    })
    this.firing.add(done)
  }

  /** Settles the batch and completes what fired (in one store call); a failed timer stays claimed and fires again. */
  private async fireAll (timers: ClaimedTimer[]): Promise<void> {
    const outcomes = await Promise.allSettled(timers.map(async t => await this.fire(t)))
    const fired: ClaimedTimer[] = []
    outcomes.forEach((o, i) => {
      if (o.status === 'fulfilled') fired.push(timers[i]!)
      else this.log.warn({ err: o.reason, key: timers[i]!.key }, 'timer failed to fire; it fires again when its claim lapses')
    })
    try {
      await this.store.completeTimers(fired)
    } catch (err) {
      // fired but still claimed: they fire again when the claim lapses (at least once, as for an instance that died)
      this.log.warn({ err, timers: fired.length }, 'could not complete fired timers')
    }
  }

  /** Stops claiming; timers already firing finish (and complete) first. */
  async stop (): Promise<void> {
    this.stopped = true
    clearTimeout(this.handle)
    await this.busy
    await Promise.all(this.firing)
  }
}

interface FiringDeps {
  store: ConversationsPort, channels: ChannelRegistry, conversations: ConversationService, idle: IdleRule,
  onFired?: (kind: string, lateMs: number) => void
}

/** What a due idle timer does: the warning starts the countdown, the countdown's end closes the conversation. */
export function idleTimerFiring (deps: FiringDeps): FireTimer {
  return async (timer) => {
    deps.onFired?.(timer.kind, Math.max(0, Date.now() - timer.dueAt))
    const payload = timer.payload as IdleTimerPayload
    const channel = deps.channels.get(payload.channelId)
    const thread = await deps.store.getThread(payload.channelId, payload.threadId)
    if (!channel || !thread) return
    if (timer.kind === 'idle-warning') await deps.idle.startCountdown(channel, thread, payload)
    else if (timer.kind === 'idle-end') {
      if (deps.idle.shouldEnd(thread, payload)) await deps.conversations.closeThread(channel, thread, 'idle')
      // this countdown closed the thread, then failed midway (it cancels its own timer last): finish the close
      else if (thread.status === 'closed' && thread.closedReason === 'idle') await deps.conversations.finishClose(channel, thread, 'idle')
    }
  }
}

/**
 * The 'timer.fire' job: earlier versions fired timers through the outbox, so a store upgraded with such jobs
 * pending still runs them, the same way.
 */
export function timerFireHandler (deps: FiringDeps): (job: Job) => Promise<void> {
  const fire = idleTimerFiring(deps)
  return async (job) => {
    const { key, timer } = job.payload as { key: string, timer: Omit<Timer, 'key'> }
    await fire({ key, ...timer })
  }
}
