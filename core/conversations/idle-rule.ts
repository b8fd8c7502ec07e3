import type { ConversationsPort, InboundIdle, NewJob, Thread, TimersPort } from '../store/types.js'
import type { ChannelRuntime } from '../channels/runtime.js'
import type { ChannelSignal } from '../plugin-api/types.js'
import { presenceCollection, type PresenceBook } from './presence.js'
import { idleTexts } from './idle-texts.js'
import { systemLineId } from './system-lines.js'

// channel and thread: thread ids are unique per channel only (a platform must not squat another channel's clock)
export const idleKey = (channelId: string, threadId: string): string => `idle:${channelId}|${threadId}`
export const countdownKey = (channelId: string, threadId: string): string => `idle-end:${channelId}|${threadId}`

export interface IdleTimerPayload {
  readonly channelId: string
  readonly threadId: string
  /** when this clock started; activity after it makes the timer stale */
  readonly setAt: number
  /** attentive mode: the agent spoke last, so the clock runs even while the customer looks on */
  readonly owesAnswer?: boolean
}

/** What the countdown's start wrote into the conversation: the prompt, recorded in CXone too. */
export interface IdleWarningLine { readonly text: string, readonly at: number, readonly endsAt: number, readonly clockStartedAt: number }

/** `dedupeKey`: the signal is queued once for it, however often the firing that sends it runs */
type Signal = (channel: ChannelRuntime, s: ChannelSignal, dedupeKey?: string) => Promise<void>
type RecordWarning = (channel: ChannelRuntime, thread: Thread, line: IdleWarningLine) => Promise<void>

/**
 * The idle rule's clock lives in the store as timers, so it survives restarts and fires on one instance only.
 *
 * - any-message: every message and every sign of life, from either side, restarts the clock.
 * - attentive (default): the clock runs only while the customer is away (all their connections closed, hidden or
 *   dropped: see PresenceBook) or owes an answer (the agent spoke last). A customer whose own message awaits an
 *   answer, looking at the chat, has no clock at all. Whether an answer is owed is kept in the timer's payload: a
 *   clock that runs because of it carries `owesAnswer`, and no clock means nothing is owed.
 *
 * In both modes customer activity during the countdown withdraws the prompt; so does an agent message, which then
 * restarts the clock.
 */
export class IdleRule {
  private signal: Signal | undefined
  private recordWarning: RecordWarning | undefined

  constructor (private readonly store: TimersPort & ConversationsPort, private readonly presence: PresenceBook, private readonly now: () => number = Date.now) {}

  /** Set once the conversation service exists (it owns signalling and the conversation's lines). */
  bind (hooks: { signal: Signal, recordWarning: RecordWarning }): void {
    this.signal = hooks.signal
    this.recordWarning = hooks.recordWarning
  }

  async agentMessage (channel: ChannelRuntime, thread: Thread): Promise<void> {
    const now = await this.touch(thread)
    if (!this.applies(channel, thread)) return
    await this.withdrawPrompt(channel, thread)
    await this.arm(channel, thread, now, channel.rules.idle.mode === 'attentive')
  }

  async customerMessage (channel: ChannelRuntime, thread: Thread): Promise<void> {
    const now = await this.touch(thread)
    if (!this.applies(channel, thread)) return
    await this.withdrawPrompt(channel, thread)
    if (channel.rules.idle.mode === 'any-message' || await this.presence.of(channel.id, thread.customerId) === 'away') await this.arm(channel, thread, now, false)
    else await this.store.cancelTimer(idleKey(thread.channelId, thread.threadId)) // answered, and looking on: no clock
  }

  /**
   * customerMessage as data, for the store's inbound step (ports/inbound.ts), which applies it in the message's own
   * atomic step: the countdown withdrawn (the platform told by `clearedSignal`), then the warning armed when the
   * clock runs (any-message, or the customer away) and cancelled when it does not. The step also moves the thread's
   * activity to `now`, as touch does. Undefined when the idle rule is off for the channel.
   */
  inboundClock (channel: ChannelRuntime, threadId: string, customerId: string, now: number, clearedSignal: NewJob): InboundIdle | undefined {
    if (!channel.rules.idle.enabled) return undefined
    const payload: IdleTimerPayload = { channelId: channel.id, threadId, setAt: now }
    return {
      countdownKey: countdownKey(channel.id, threadId),
      clearedSignal,
      warning: { key: idleKey(channel.id, threadId), kind: 'idle-warning', dueAt: now + channel.rules.idle.timeoutMs, payload },
      runs: channel.rules.idle.mode === 'any-message' ? 'always' : 'away',
      presenceCollection: presenceCollection(channel.id, customerId)
    }
  }

  /** Typing, "I'm still here", coming back to the chat: the clock starts over, or stops when nothing keeps it. */
  async customerActivity (channel: ChannelRuntime, thread: Thread): Promise<void> {
    const now = await this.touch(thread)
    if (!this.applies(channel, thread)) return
    const owesAnswer = await this.owesAnswer(thread)
    await this.withdrawPrompt(channel, thread)
    if (channel.rules.idle.mode === 'any-message' || owesAnswer || await this.presence.of(channel.id, thread.customerId) === 'away') {
      await this.arm(channel, thread, now, owesAnswer)
    } else {
      await this.store.cancelTimer(idleKey(thread.channelId, thread.threadId))
    }
  }

  /** Every connection of the customer is closed, hidden or gone: start the clock unless one already runs. */
  async customerAway (channel: ChannelRuntime, thread: Thread): Promise<void> {
    if (!this.applies(channel, thread) || channel.rules.idle.mode !== 'attentive') return
    if (await this.store.getTimer(idleKey(thread.channelId, thread.threadId)) || await this.store.getTimer(countdownKey(thread.channelId, thread.threadId))) return
    await this.arm(channel, thread, this.now(), false)
  }

  /**
   * The warning fired: say so in the conversation, tell the platform, then start the countdown; unless activity came
   * after the clock started. A firing that failed midway fires again when its claim lapses and finishes the job, each
   * step once: the warning line it wrote (which counts as activity) is found by its id and, when it is the only
   * activity since, its time is the countdown's start; the signal is queued once (dedupe key per clock); the
   * countdown is set last, so it never runs unannounced.
   */
  async startCountdown (channel: ChannelRuntime, thread: Thread, payload: IdleTimerPayload): Promise<void> {
    if (thread.status !== 'open') return
    let at = this.now()
    if (thread.lastActivityAt > payload.setAt) {
      const line = await this.store.getMessage(thread.channelId, systemLineId('idle-warning', thread.threadId, payload.setAt))
      if (!line || thread.lastActivityAt > line.createdAt) return
      at = line.createdAt
    }
    const endsAt = at + channel.rules.idle.countdownMs
    const text = idleTexts(channel.rules.idle, (await this.store.getCustomer(channel.id, thread.customerId))?.locale).warningText
    // the prompt is a line of the conversation, written at `at`: the countdown's own clock starts there
    await this.recordWarning?.(channel, thread, { text, at, endsAt, clockStartedAt: payload.setAt })
    const signal: ChannelSignal = { type: 'idle-warning', threadId: thread.threadId, customerId: thread.customerId, endsAt, text }
    await this.signal?.(channel, signal, `idle-warning:${thread.channelId}|${thread.threadId}:${payload.setAt}`)
    await this.store.setTimer({ key: countdownKey(thread.channelId, thread.threadId), kind: 'idle-end', dueAt: endsAt, payload: { ...payload, setAt: at } })
  }

  /** True when the countdown ran out with no activity since it started. */
  shouldEnd (thread: Thread, payload: IdleTimerPayload): boolean {
    return thread.status === 'open' && thread.lastActivityAt <= payload.setAt
  }

  async cancel (thread: Thread): Promise<void> {
    await Promise.all([
      this.store.cancelTimer(idleKey(thread.channelId, thread.threadId)),
      this.store.cancelTimer(countdownKey(thread.channelId, thread.threadId))
    ])
  }

  private applies (channel: ChannelRuntime, thread: Thread): boolean {
    return channel.rules.idle.enabled && thread.status === 'open'
  }

  private async touch (thread: Thread): Promise<number> {
    const now = this.now()
    await this.store.touchThread(thread.channelId, thread.threadId, now)
    return now
  }

  private async arm (channel: ChannelRuntime, thread: Thread, now: number, owesAnswer: boolean): Promise<void> {
    const payload: IdleTimerPayload = { channelId: channel.id, threadId: thread.threadId, setAt: now, ...(owesAnswer ? { owesAnswer } : {}) }
    await this.store.setTimer({ key: idleKey(thread.channelId, thread.threadId), kind: 'idle-warning', dueAt: now + channel.rules.idle.timeoutMs, payload })
  }

  private async owesAnswer (thread: Thread): Promise<boolean> {
    const timer = await this.store.getTimer(idleKey(thread.channelId, thread.threadId)) ?? await this.store.getTimer(countdownKey(thread.channelId, thread.threadId))
    return (timer?.payload as IdleTimerPayload | undefined)?.owesAnswer === true
  }

  private async withdrawPrompt (channel: ChannelRuntime, thread: Thread): Promise<void> {
    if (await this.store.cancelTimer(countdownKey(thread.channelId, thread.threadId))) {
      await this.signal?.(channel, { type: 'idle-cleared', threadId: thread.threadId, customerId: thread.customerId })
    }
  }
}
