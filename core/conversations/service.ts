import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import { Compile } from 'typebox/compile'
import { CxoneInboundMessageSchema, type CxoneInboundMessage, type ChannelSignal, type PresenceState } from '../plugin-api/index.js'
import type { Attachment, ConversationsPort, InboundStep, InboundThreadRule, NewJob, OutboxPort, StoredMessage, Thread } from '../store/types.js'
import type { ChannelRuntime } from '../channels/runtime.js'
import { hubError } from '../errors.js'
import type { IdleRule, IdleWarningLine } from './idle-rule.js'
import type { PresenceBook } from './presence.js'
import { systemLine, type SystemLineKind } from './system-lines.js'
import { Jobs } from './job-kinds.js'
import { assertValidId, assertValidInboundIds } from './valid-id.js'
import type { NormalisedAgentMessage } from './agent-message.js'
import { idleTexts } from './idle-texts.js'

export interface ConversationDeps {
  store: ConversationsPort & OutboxPort
  idle: IdleRule
  presence: PresenceBook
  log: FastifyBaseLogger
  /** wakes the outbox worker after an enqueue */
  kick: () => void
  /** fire-and-forget customer typing toward DFO (ephemeral: not worth a durable job) */
  sendTyping: (channel: ChannelRuntime, threadId: string, on: boolean) => void
  /** swaps CXone's expiring attachment links for the hub's own (core/attachments/keeper.ts) */
  attachments?: { adopt (threadId: string, attachments: readonly Attachment[], tenant?: string): Promise<Attachment[]> }
}

export interface AgentMessageInput extends NormalisedAgentMessage {
  /** thread named by CXone, if any (M2 postId, M3 thread.idOnExternalPlatform) */
  readonly threadId?: string
}

const EPHEMERAL_SIGNAL_TIMEOUT_MS = 5_000
/** how many customers' current thread ids receiveCustomerEvent keeps as guesses (a few MB at most) */
const CURRENT_THREAD_HINTS = 50_000

export interface InboundResult { messageId: string, threadId: string, seq: number, duplicate: boolean }

/** A customer event with who sent it and, when the platform knows it, its thread (the webhook pipeline's WebhookCustomer). */
export interface CustomerEvent { readonly customerId: string, readonly customerName?: string, readonly threadId?: string }

/** Rule 'named' never answers 'elsewhere' (only 'current' does). */
function named (r: InboundResult | { elsewhere: string | undefined }): InboundResult {
  if ('elsewhere' in r) throw new Error('storeInbound: a named thread answered elsewhere')
  return r
}

/** A signal to the platform as a durable job: retried, in order with the thread's agent messages. */
const signalJob = (channel: ChannelRuntime, signal: ChannelSignal): NewJob =>
  ({ kind: Jobs.PLATFORM_SIGNAL, orderKey: `platform:${channel.id}:${signal.threadId}`, payload: { channelId: channel.id, signal } })

/** Ephemeral signals a platform has not declared it shows are dropped here, not sent for the plugin to ignore. */
export function showsSignal (channel: ChannelRuntime, signal: Pick<ChannelSignal, 'type'>): boolean {
  if (signal.type === 'typing') return channel.capabilities.typingIndicators
  if (signal.type === 'message-status') return channel.capabilities.messageStatus === true
  return true
}

// compiled once: Value.Check walked the schema on every inbound message (~6% of the hub's CPU relaying, bench/relay-cpu.ts)
const inboundMessage = Compile(CxoneInboundMessageSchema)

/** The conversation core: every path a message takes between a platform and CXone goes through here. */
export class ConversationService {
  /** per channel and customer, the thread id last seen current: receiveCustomerEvent's guess */
  private readonly currentThreads = new Map<string, string>()

  constructor (private readonly d: ConversationDeps) {}

  /** Customer -> CXone: translate, then each message in one store step (thread rules, message, DFO job, idle clock). */
  async receive (channel: ChannelRuntime, event: unknown): Promise<InboundResult[]> {
    const out: InboundResult[] = []
    for (const body of this.translate(channel, event)) out.push(named(await this.storeInbound(channel, body)))
    return out
  }

  /**
   * A customer event as a webhook yields it (WebhookEventOf): the customer upserted and the thread settled (the one
   * named, else the customer's current one) in the message's own store step, so one round trip on Redis. The
   * current thread's id is guessed from the last one seen here; the store checks the guess, and a wrong one costs a
   * second step.
   */
  async receiveCustomerEvent (channel: ChannelRuntime, event: CustomerEvent): Promise<InboundResult[]> {
    assertValidId('customer', event.customerId)
    const customer = { name: event.customerName ?? event.customerId }
    if (event.threadId !== undefined) {
      const out: InboundResult[] = []
      for (const body of this.translate(channel, event)) out.push(named(await this.storeInbound(channel, body, 'named', customer)))
      return out
    }
    const guessKey = `${channel.id}\u0000${event.customerId}`
    for (let attempt = 0; ; attempt++) {
      const guess = this.currentThreads.get(guessKey) ?? `th-${randomUUID()}`
      const [first, ...rest] = this.translate(channel, { ...event, threadId: guess })
      if (!first) return []
      const stored = await this.storeInbound(channel, first, 'current', customer)
      if ('elsewhere' in stored) {
        // another thread is current (or the guess names a thread that is not): guess again, a bounded number of times
        if (stored.elsewhere) this.rememberCurrent(guessKey, stored.elsewhere)
        else this.currentThreads.delete(guessKey)
        if (attempt >= 3) throw hubError('STORE_UNAVAILABLE', 'the current thread kept changing')
        continue
      }
      this.rememberCurrent(guessKey, stored.threadId)
      const out: InboundResult[] = [stored]
      for (const body of rest) out.push(named(await this.storeInbound(channel, body)))
      return out
    }
  }

  private rememberCurrent (key: string, threadId: string): void {
    this.currentThreads.delete(key)
    this.currentThreads.set(key, threadId)
    // a hint, not a record: the oldest go first
    if (this.currentThreads.size > CURRENT_THREAD_HINTS) this.currentThreads.delete(this.currentThreads.keys().next().value!)
  }

  private translate (channel: ChannelRuntime, event: unknown): CxoneInboundMessage[] {
    const bodies = channel.registration!.inbound.toCxone(event, { channelId: channel.id })
    for (const body of bodies) {
      assertValidInboundIds(body)
      if (!inboundMessage.Check(body)) {
        const first = inboundMessage.Errors(body)[0]
        throw hubError('VALIDATION', `translated message invalid at ${first?.instancePath || '/'}: ${first?.message ?? 'unknown'}`)
      }
    }
    return bodies
  }

  /** One translated message in one store step; rule 'current' may answer that another thread is current. */
  private async storeInbound (channel: ChannelRuntime, body: CxoneInboundMessage, rule: InboundThreadRule = 'named', customer?: { name: string, avatar?: string }): Promise<InboundResult | { elsewhere: string | undefined }> {
    const { store } = this.d
    const customerId = body.authorEndUserIdentity.idOnExternalPlatform
    const threadId = body.thread.idOnExternalPlatform
    const identity = body.authorEndUserIdentity
    const authorName = [identity.firstName, identity.lastName].filter(Boolean).join(' ') || identity.nickname
    const createdAt = Date.parse(body.createdAtWithMilliseconds)
    const now = Date.now()
    const step: InboundStep = {
      channelId: channel.id,
      customerId,
      ...(customer ? { customer } : {}),
      threadId,
      rule,
      blockAfterAgentClose: channel.rules.blockAfterAgentClose,
      message: {
        messageId: body.idOnExternalPlatform,
        threadId,
        channelId: channel.id,
        direction: 'inbound',
        text: body.messageContent.payload.text ?? body.messageContent.fallbackText ?? '',
        attachments: (body.attachments ?? []).map(a => ({ friendlyName: a.friendlyName, url: a.url, ...(a.mimeType ? { mimeType: a.mimeType } : {}) })),
        ...(authorName ? { authorName } : {}),
        createdAt: Number.isFinite(createdAt) ? createdAt : now,
        raw: body
      },
      job: { kind: Jobs.DFO_CREATE_MESSAGE, orderKey: `dfo:${channel.id}:${threadId}`, dedupeKey: `dfo-msg:${channel.id}:${body.idOnExternalPlatform}`, payload: { channelId: channel.id, messageId: body.idOnExternalPlatform } },
      now
    }
    const cleared = signalJob(channel, { type: 'idle-cleared', threadId, customerId })
    const idle = this.d.idle.inboundClock(channel, threadId, customerId, now, cleared)
    const r = await store.storeInbound(idle ? { ...step, idle } : step)
    switch (r.outcome) {
      case 'stored':
        // the DFO job, and the idle-cleared signal when a countdown was withdrawn; the customer's platform has the
        // message already: nothing goes back to it (a push channel shows its own messages itself)
        this.d.kick()
        return { messageId: r.message.messageId, threadId: r.message.threadId, seq: r.message.seq, duplicate: !r.created }
      case 'refused':
        throw hubError(r.code, threadId)
      case 'elsewhere':
        return { elsewhere: r.current?.threadId }
      case 'supersede':
        // the platform started a new conversation while another was open: the long way, which closes the old one
        if (customer) await store.upsertCustomer({ channelId: channel.id, customerId, ...customer })
        await this.threadForInbound(channel, customerId, threadId, body.idOnExternalPlatform)
        return this.storeInbound(channel, body, 'named')
    }
  }

  /** The thread a customer message belongs to; a closed thread refuses it (the agent or the idle rule ended it). */
  private async threadForInbound (channel: ChannelRuntime, customerId: string, threadId: string, messageId: string): Promise<Thread> {
    const { store } = this.d
    const existing = await store.getThread(channel.id, threadId)
    if (existing) {
      if (existing.customerId !== customerId) throw hubError('THREAD_UNKNOWN', threadId)
      if (existing.status === 'closed') {
        // a retry of a message stored before the close is still a success, not a rejection
        const stored = await store.getMessage(channel.id, messageId)
        if (stored && stored.threadId === threadId) return existing
        if (existing.closedReason !== 'agent' || channel.rules.blockAfterAgentClose) throw hubError('THREAD_CLOSED', threadId)
      }
      return existing
    }
    const { thread, created } = await store.openThread(channel.id, customerId, threadId)
    if (created || thread.threadId === threadId) return thread
    // the platform started a new conversation while another was open: the new one supersedes it
    const started = await store.startThread(channel.id, customerId, threadId)
    if (started.thread.customerId !== customerId) throw hubError('THREAD_UNKNOWN', threadId)
    await this.closeThread(channel, thread, 'customer')
    return started.thread
  }

  /** Agent -> customer (M2 reply, M3 outbound): store with its platform job, answer CXone at once. */
  async agentMessage (channel: ChannelRuntime, input: AgentMessageInput): Promise<{ message: StoredMessage, thread: Thread }> {
    const { store } = this.d
    if (input.threadId !== undefined) assertValidId('thread', input.threadId)
    if (input.recipient) assertValidId('customer', input.recipient.idOnExternalPlatform)
    let thread = input.threadId ? await store.getThread(channel.id, input.threadId) : undefined
    if (!thread) {
      const customerId = input.recipient?.idOnExternalPlatform
      if (!customerId) throw hubError(input.threadId ? 'THREAD_UNKNOWN' : 'RECIPIENT_UNKNOWN', input.threadId ?? 'no recipient given')
      if (!await store.getCustomer(channel.id, customerId)) {
        await store.upsertCustomer({ channelId: channel.id, customerId, name: input.recipient?.name ?? customerId })
      }
      // a direct message opens a new thread, under the id CXone named or one minted here, and makes it the
      // customer's current thread; the customer's other threads stay as they are (never substituted)
      thread = (await store.startThread(channel.id, customerId, input.threadId ?? `th-${randomUUID()}`)).thread
      if (thread.customerId !== customerId) throw hubError('THREAD_UNKNOWN', input.threadId) // taken meanwhile by another customer
    }
    const messageId = `hub-${randomUUID()}`
    const { message } = await store.insertMessage({
      messageId,
      threadId: thread.threadId,
      channelId: channel.id,
      direction: 'outbound',
      text: input.text,
      attachments: this.d.attachments ? await this.d.attachments.adopt(thread.threadId, input.attachments, channel.tenant) : input.attachments,
      ...(input.authorName ? { authorName: input.authorName } : {}),
      createdAt: Date.now(),
      raw: input.details
    }, { kind: Jobs.PLATFORM_DELIVER, orderKey: `platform:${channel.id}:${thread.threadId}`, dedupeKey: `deliver:${channel.id}:${messageId}`, payload: { channelId: channel.id, messageId, customerId: thread.customerId } })
    // one way to the platform, for webhook and push channels alike: the job above (outbound translator, transport)
    this.d.kick()
    if (thread.status === 'open') await this.d.idle.agentMessage(channel, thread)
    return { message, thread }
  }

  async agentTyping (channel: ChannelRuntime, threadId: string, on: boolean): Promise<void> {
    const thread = await this.d.store.getThread(channel.id, threadId)
    if (!thread) throw hubError('THREAD_UNKNOWN', threadId)
    await this.signal(channel, { type: 'typing', threadId, customerId: thread.customerId, on }, false)
  }

  async customerTyping (channel: ChannelRuntime, threadId: string, on: boolean): Promise<void> {
    const thread = await this.requireOpenThread(channel, threadId)
    this.d.sendTyping(channel, threadId, on)
    await this.d.idle.customerActivity(channel, thread)
  }

  async customerActivity (channel: ChannelRuntime, threadId: string): Promise<void> {
    const thread = await this.requireOpenThread(channel, threadId)
    await this.d.idle.customerActivity(channel, thread)
  }

  /** One connection's presence: coming back counts as activity; the last connection leaving starts the idle clock. */
  async customerPresence (channel: ChannelRuntime, report: { customerId: string, connectionId: string, state: PresenceState }): Promise<void> {
    const previous = await this.d.presence.report(channel.id, report.customerId, report.connectionId, report.state)
    const thread = await this.d.store.findCurrentThread(channel.id, report.customerId)
    if (!thread) return
    if (report.state === 'present') {
      if (previous !== 'present') await this.d.idle.customerActivity(channel, thread)
    } else if (await this.d.presence.of(channel.id, report.customerId) === 'away') {
      await this.d.idle.customerAway(channel, thread)
    }
  }

  /** "Are you still there?" as a line of the conversation: in the transcript, and in CXone for the agent. */
  async recordIdleWarning (channel: ChannelRuntime, thread: Thread, line: IdleWarningLine): Promise<void> {
    await this.writeSystemLine(channel, thread, { kind: 'idle-warning', text: line.text, at: line.at, stamp: line.clockStartedAt })
  }

  /** A customer-side receipt for an agent message, reported to DFO as message status. */
  async receipt (channel: ChannelRuntime, messageId: string, status: 'delivered' | 'seen'): Promise<void> {
    const { store } = this.d
    const message = await store.getMessage(channel.id, messageId)
    if (!message || message.direction !== 'outbound') throw hubError('VALIDATION', `unknown agent message ${messageId}`)
    if (status === 'seen' && message.status !== 'delivered' && message.status !== 'seen') await store.setMessageStatus(channel.id, messageId, 'delivered')
    if (!await store.setMessageStatus(channel.id, messageId, status)) return
    await store.enqueue({ kind: Jobs.DFO_MESSAGE_STATUS, orderKey: `status:${channel.id}:${messageId}`, dedupeKey: `status:${channel.id}:${messageId}:${status}`, payload: { channelId: channel.id, messageId, status, at: Date.now() } })
    this.d.kick()
  }

  /**
   * Ends a conversation once (the store's closeThread is true for one caller only). Agent closes are already known
   * to DFO; idle and customer closes are pushed to DFO (thread closed for new messages, contact closed).
   */
  async closeThread (channel: ChannelRuntime, thread: Thread, reason: 'agent' | 'idle' | 'customer'): Promise<boolean> {
    if (!await this.d.store.closeThread(channel.id, thread.threadId, reason)) return false
    await this.finishClose(channel, thread, reason)
    return true
  }

  /**
   * What follows a close, each step idempotent (the end line by its message id, the jobs by their dedupe keys) and
   * the idle timers cancelled last: an idle countdown whose firing failed midway stays claimed, fires again on the
   * thread it closed and finishes here (idleTimerFiring), instead of the platform or CXone never hearing. An idle
   * close happens once per thread (an idle-closed thread never reopens), so its signal is keyed by the thread.
   */
  async finishClose (channel: ChannelRuntime, thread: Thread, reason: 'agent' | 'idle' | 'customer'): Promise<void> {
    const { store } = this.d
    // the end line goes to CXone before the close below (same order key): after the close it would open a new case
    if (reason === 'idle') {
      const { endText } = idleTexts(channel.rules.idle, (await store.getCustomer(channel.id, thread.customerId))?.locale)
      await this.writeSystemLine(channel, thread, { kind: 'idle-end', text: endText, at: Date.now(), stamp: 0 })
    }
    const signal: ChannelSignal = { type: 'thread-closed', threadId: thread.threadId, customerId: thread.customerId, reason }
    // two order keys (DFO's, the platform's): the close and the signal go to the store together
    await Promise.all([
      reason !== 'agent' && store.enqueue({ kind: Jobs.DFO_CLOSE_THREAD, orderKey: `dfo:${channel.id}:${thread.threadId}`, dedupeKey: `close:${channel.id}:${thread.threadId}`, payload: { channelId: channel.id, threadId: thread.threadId } }),
      this.signal(channel, signal, true, reason === 'idle' ? `thread-closed:${channel.id}|${thread.threadId}:idle` : undefined)
    ])
    await this.d.idle.cancel(thread)
    this.d.log.info({ channel: channel.id, threadId: thread.threadId, reason }, 'conversation ended')
  }

  private async writeSystemLine (channel: ChannelRuntime, thread: Thread, line: { kind: SystemLineKind, text: string, at: number, stamp: number }): Promise<void> {
    const { message, job } = systemLine(channel, thread, line)
    await this.d.store.insertMessage(message, job)
    // the platform learns of the line from the signal that follows it (idle-warning, thread-closed)
    this.d.kick()
  }

  /**
   * To the platform's transport, the one way every channel hears of signals: durably through the outbox when
   * `durable` (idle, close: retried, in order with the thread's agent messages), else at once and best effort
   * (typing, message status: stale by the time a retry would run), and only what the channel's capabilities show.
   * `dedupeKey` (durable only): queued once for it, however often the caller runs.
   */
  async signal (channel: ChannelRuntime, signal: ChannelSignal, durable: boolean, dedupeKey?: string): Promise<void> {
    if (durable) {
      await this.d.store.enqueue({ ...signalJob(channel, signal), ...(dedupeKey !== undefined ? { dedupeKey } : {}) })
      this.d.kick()
      return
    }
    const transport = channel.registration?.transport
    if (!transport?.signal || !showsSignal(channel, signal)) return
    // not awaited: CXone's typing call (or the DFO job that saw the status) must not wait on the platform
    transport.signal(signal, { signal: AbortSignal.timeout(EPHEMERAL_SIGNAL_TIMEOUT_MS) })
      .catch(err => this.d.log.debug({ err, channel: channel.id, type: signal.type }, 'signal not relayed to the platform'))
  }

  private async requireOpenThread (channel: ChannelRuntime, threadId: string): Promise<Thread> {
    const thread = await this.d.store.getThread(channel.id, threadId)
    if (!thread) throw hubError('THREAD_UNKNOWN', threadId)
    if (thread.status === 'closed') throw hubError('THREAD_CLOSED', threadId)
    return thread
  }
}
