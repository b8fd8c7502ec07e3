import type { FastifyBaseLogger } from 'fastify'
import type { ConversationsPort, Job, TimersPort } from '../store/types.js'
import type { ChannelRegistry } from '../channels/runtime.js'
import type { ConversationService } from './service.js'
import type { IdleRule, IdleTimerPayload } from './idle-rule.js'

/**
 * Polls the store for due timers and moves them into the outbox atomically (TimersPort.moveDueTimersToJobs), where
 * the worker fires each one with a lease: once across instances, and again elsewhere if the firing instance dies.
 */
export class TimerLoop {
  private handle: NodeJS.Timeout | undefined
  private busy: Promise<void> | undefined

  constructor (
    private readonly store: TimersPort,
    private readonly log: FastifyBaseLogger,
    private readonly kick: () => void,
    private readonly intervalMs = 250
  ) {}

  start (): void {
    this.handle = setInterval(() => {
      if (!this.busy) this.busy = this.tick().finally(() => { this.busy = undefined })
    }, this.intervalMs)
    this.handle.unref()
  }

  async tick (now = Date.now()): Promise<void> {
    try {
      let moved = 0
      do {
        moved = await this.store.moveDueTimersToJobs(now, 200)
        if (moved > 0) this.kick()
      } while (moved === 200)
    } catch (err) {
      this.log.warn({ err }, 'timer loop failed; retrying next tick')
    }
  }

  async stop (): Promise<void> {
    clearInterval(this.handle)
    await this.busy
  }
}

/** The 'timer.fire' job: what a due idle timer does. */
export function timerFireHandler (deps: {
  store: ConversationsPort, channels: ChannelRegistry, conversations: ConversationService, idle: IdleRule,
  onFired?: (kind: string, lateMs: number) => void
}): (job: Job) => Promise<void> {
  return async (job) => {
    const { timer } = job.payload as { key: string, timer: { kind: string, dueAt: number, payload: IdleTimerPayload } }
    deps.onFired?.(timer.kind, Math.max(0, Date.now() - timer.dueAt))
    const payload = timer.payload
    const channel = deps.channels.get(payload.channelId)
    const thread = await deps.store.getThread(payload.channelId, payload.threadId)
    if (!channel || !thread) return
    if (timer.kind === 'idle-warning') await deps.idle.startCountdown(channel, thread, payload)
    else if (timer.kind === 'idle-end' && deps.idle.shouldEnd(thread, payload)) await deps.conversations.closeThread(channel, thread, 'idle')
  }
}
