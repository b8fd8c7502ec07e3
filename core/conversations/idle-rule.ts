import type { Store, Thread } from '../store/types.js'
import type { ChannelRuntime } from '../channels/runtime.js'
import type { ChannelSignal } from '../plugin-api/types.js'

export const idleKey = (threadId: string): string => `idle:${threadId}`
export const countdownKey = (threadId: string): string => `idle-end:${threadId}`

export interface IdleTimerPayload { readonly channelId: string, readonly threadId: string, readonly setAt: number }

/**
 * The idle rule's clock lives in the store as timers, so it survives restarts and fires on one instance only.
 * Activity (customer or agent) pushes the warning back; activity during the countdown cancels it.
 */
export class IdleRule {
  private signal: ((channel: ChannelRuntime, s: ChannelSignal) => Promise<void>) | undefined

  constructor (private readonly store: Store, private readonly now: () => number = Date.now) {}

  /** Set once the conversation service exists (it owns signalling). */
  onSignal (fn: (channel: ChannelRuntime, s: ChannelSignal) => Promise<void>): void { this.signal = fn }

  async activity (channel: ChannelRuntime, thread: Thread): Promise<void> {
    const now = this.now()
    await this.store.touchThread(thread.channelId, thread.threadId, now)
    if (!channel.rules.idle.enabled || thread.status !== 'open') return
    const payload: IdleTimerPayload = { channelId: channel.id, threadId: thread.threadId, setAt: now }
    await this.store.setTimer({ key: idleKey(thread.threadId), kind: 'idle-warning', dueAt: now + channel.rules.idle.timeoutMs, payload })
    if (await this.store.cancelTimer(countdownKey(thread.threadId))) {
      await this.signal?.(channel, { type: 'idle-cleared', threadId: thread.threadId, customerId: thread.customerId })
    }
  }

  /** The warning fired: start the countdown unless activity came after the timer was set. */
  async startCountdown (channel: ChannelRuntime, thread: Thread, payload: IdleTimerPayload): Promise<void> {
    if (thread.status !== 'open' || thread.lastActivityAt > payload.setAt) return
    const now = this.now()
    const endsAt = now + channel.rules.idle.countdownMs
    await this.store.setTimer({ key: countdownKey(thread.threadId), kind: 'idle-end', dueAt: endsAt, payload })
    await this.signal?.(channel, { type: 'idle-warning', threadId: thread.threadId, customerId: thread.customerId, endsAt, text: channel.rules.idle.warningText })
  }

  /** True when the countdown ran out with no activity since the warning's clock started. */
  shouldEnd (thread: Thread, payload: IdleTimerPayload): boolean {
    return thread.status === 'open' && thread.lastActivityAt <= payload.setAt
  }

  async cancel (threadId: string): Promise<void> {
    await this.store.cancelTimer(idleKey(threadId))
    await this.store.cancelTimer(countdownKey(threadId))
  }
}
