import type { FastifyBaseLogger } from 'fastify'
import type { Store, Timer } from '../store/types.js'
import type { ChannelRegistry } from '../channels/runtime.js'
import type { ConversationService } from './service.js'
import type { IdleRule, IdleTimerPayload } from './idle-rule.js'

/**
 * Polls the store for due timers. takeDueTimers removes each atomically, so with several instances a timer fires
 * on exactly one of them, including timers set by an instance that has since died.
 */
export class TimerLoop {
  private handle: NodeJS.Timeout | undefined
  private busy: Promise<void> | undefined
  /** how late timers fired (ms), for metrics */
  onFired?: (kind: string, lateMs: number) => void

  constructor (
    private readonly store: Store,
    private readonly channels: ChannelRegistry,
    private readonly conversations: ConversationService,
    private readonly idle: IdleRule,
    private readonly log: FastifyBaseLogger,
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
      for (;;) {
        const due = await this.store.takeDueTimers(now, 100)
        for (const timer of due) await this.fire(timer, now)
        if (due.length < 100) break
      }
    } catch (err) {
      this.log.warn({ err }, 'timer loop failed; retrying next tick')
    }
  }

  private async fire (timer: Timer, now: number): Promise<void> {
    this.onFired?.(timer.kind, Math.max(0, now - timer.dueAt))
    const payload = timer.payload as IdleTimerPayload
    const channel = this.channels.get(payload.channelId)
    const thread = await this.store.getThread(payload.threadId)
    if (!channel || !thread) return
    try {
      if (timer.kind === 'idle-warning') await this.idle.startCountdown(channel, thread, payload)
      else if (timer.kind === 'idle-end' && this.idle.shouldEnd(thread, payload)) await this.conversations.closeThread(channel, thread, 'idle')
    } catch (err) {
      this.log.error({ err, timer: timer.key }, 'timer action failed')
    }
  }

  async stop (): Promise<void> {
    clearInterval(this.handle)
    await this.busy
  }
}
