import type { ChannelHost, ChannelSignal, LiveEvent, ThreadInfo, TimelineEntry } from '@byoc-hub/plugin-api'
import type { WateringHoleConfig } from '../config.js'
import { WateringHoleErrors, type WhErrorCode } from '../errors.js'
import { checkAttachmentSeal } from '../identity.js'
import { customerOfToken, renewedToken } from '../customer-token.js'
import { clientMessageIdOf, type WateringHoleEvent } from '../inbound.js'
import type { ClientFrame } from '../schemas.js'
import { parseClientFrame } from '../frames.js'
import { ownEntry, type WidgetPush } from '../live.js'
import { FrameBudget } from './rate-limit.js'
import { SocketPresence } from './presence.js'

type Host = ChannelHost<WateringHoleConfig, WateringHoleEvent>
type HelloFrame = Extract<ClientFrame, { type: 'hello' }>
type MessageFrame = Extract<ClientFrame, { type: 'message' }>

export interface SessionIo {
  send (frame: Record<string, unknown>): void
  close (code: number, reason: string): void
  /** public URL of an avatar image, for the DFO customer identity */
  avatarUrl (avatar: string): string | undefined
}

function threadView (t: ThreadInfo | undefined): Record<string, unknown> | null {
  return t === undefined ? null : { threadId: t.threadId, status: t.status, closedReason: t.closedReason ?? null, createdAt: t.createdAt }
}

const MAX_TRACKED_AGENT_MESSAGES = 2000

/**
 * One widget connection. Everything runs through one promise chain, so frames leave in the order things
 * happened and the per-thread cursor (the highest seq this socket has shown) is never raced: a pushed entry,
 * an ack and a resume all go through `syncTo`, which sends each entry after the cursor exactly once. Entries
 * come by two ways (an agent's through the hub's outbox and the transport, the customer's own at once), so one may
 * arrive after a later one: a gap is filled from history, and the late one is then dropped by its seq.
 */
export class WidgetSession {
  private customerId: string | undefined
  private name = ''
  private avatar: string | undefined
  private threadId: string | undefined
  private threadOpen = false
  private cursor = 0
  private readonly agentMessageIds = new Set<string>()
  private unsubscribe: (() => void) | undefined
  private chain: Promise<void> = Promise.resolve()
  private closed = false
  private readonly budget = new FrameBudget(60, 10_000)
  private readonly presence: SocketPresence

  constructor (private readonly host: Host, private readonly io: SessionIo) {
    this.presence = new SocketPresence(host, () => this.customerId)
  }

  onData (data: string): void {
    if (!this.budget.take()) { this.error(WateringHoleErrors.RATE_LIMITED.code, 'Too many frames; slow down.'); return }
    const parsed = parseClientFrame(data)
    if (!parsed.ok) { this.error(WateringHoleErrors.INVALID_FRAME.code, parsed.reason); return }
    this.run(() => this.handle(parsed.frame))
  }

  onClose (): void {
    this.closed = true
    this.unsubscribe?.()
    this.unsubscribe = undefined
    // after any report still in flight, so 'gone' is the last word of this connection
    this.chain = this.chain.then(() => this.presence.gone()).catch(err => {
      this.host.log.warn({ err, customerId: this.customerId }, 'watering-hole presence not recorded')
    })
  }

  private run (job: () => Promise<void>): void {
    this.chain = this.chain.then(job).catch(err => {
      this.host.log.error({ err, customerId: this.customerId }, 'watering-hole socket job failed')
      this.error(WateringHoleErrors.UNAVAILABLE.code, 'Something went wrong on our side; please try again.')
    })
  }

  private send (frame: Record<string, unknown>): void {
    if (!this.closed) this.io.send(frame)
  }

  private error (code: WhErrorCode, message: string, extra: Record<string, unknown> = {}): void {
    this.send({ type: 'error', code, message, ...extra })
  }

  private async handle (frame: ClientFrame): Promise<void> {
    if (this.closed) return
    if (frame.type === 'hello') return await this.hello(frame)
    if (this.customerId === undefined) { this.error(WateringHoleErrors.HELLO_REQUIRED.code, 'Send hello with your token first.'); return }
    switch (frame.type) {
      case 'message': return await this.message(frame)
      case 'typing': if (this.threadId !== undefined && this.threadOpen) await this.host.typing(this.threadId, frame.on); return
      case 'activity': if (this.threadId !== undefined && this.threadOpen) await this.host.activity(this.threadId); return
      case 'presence': return await this.presence.report(frame)
      case 'read':
        // Only receipts for agent messages this socket showed: nobody marks another animal's messages read.
        if (this.agentMessageIds.has(frame.messageId)) await this.host.receipt(frame.messageId, frame.status ?? 'seen')
        return
      case 'new-chat': return await this.newChat()
    }
  }

  private async hello (frame: HelloFrame): Promise<void> {
    if (this.customerId !== undefined) { this.error(WateringHoleErrors.INVALID_FRAME.code, 'hello was already sent on this connection'); return }
    const customerId = await customerOfToken(this.host, frame.token)
    const profile = customerId === undefined ? undefined : await this.host.customers.get(customerId)
    if (customerId === undefined || profile === undefined) {
      this.error(WateringHoleErrors.TOKEN_INVALID.code, 'Your identity token is not valid here; please introduce yourself again.')
      this.io.close(4401, 'invalid token')
      return
    }
    this.customerId = customerId
    this.name = profile.name
    this.avatar = profile.avatar
    // the language the widget is shown in now is the one the hub writes its idle lines in
    if (frame.locale !== undefined && frame.locale !== profile.locale) await this.host.customers.upsert({ ...profile, locale: frame.locale })
    // Subscribe before reading history: anything published meanwhile queues behind this job and is then
    // filtered by the cursor, so nothing falls in the gap and nothing shows twice.
    this.unsubscribe = this.host.subscribe(customerId, event => this.run(() => this.onLive(event)))
    const thread = await this.host.threads.findOpen(customerId) ?? latest(await this.host.threads.list(customerId))
    const lastSeq = thread === undefined ? 0 : frame.lastSeq?.[thread.threadId] ?? 0
    // renewal while in use: each hello gets a fresh token, which the widget keeps for its next visit
    this.send({ type: 'welcome', customer: { customerId, name: profile.name, avatar: profile.avatar ?? null }, token: renewedToken(this.host, customerId) })
    await this.show(thread, lastSeq)
  }

  /** Makes `thread` the one this socket shows and sends what the widget lacks of it (after `afterSeq`). */
  private async show (thread: ThreadInfo | undefined, afterSeq: number): Promise<void> {
    this.threadId = thread?.threadId
    this.threadOpen = thread?.status === 'open'
    this.cursor = afterSeq
    const entries = thread === undefined ? [] : await this.host.threads.history(thread.threadId, afterSeq)
    for (const e of entries) this.remember(e)
    if (entries.length > 0) this.cursor = entries[entries.length - 1].seq
    this.send({ type: 'history', thread: threadView(thread), resume: afterSeq > 0, entries: entries.map(e => this.entryView(e)) })
  }

  private entryView (e: TimelineEntry): Record<string, unknown> {
    const clientMessageId = this.customerId === undefined ? undefined : clientMessageIdOf(this.customerId, e.messageId)
    return { ...e, ...(clientMessageId !== undefined ? { clientMessageId } : {}) }
  }

  private remember (e: TimelineEntry): void {
    if (e.direction !== 'outbound') return
    if (this.agentMessageIds.size >= MAX_TRACKED_AGENT_MESSAGES) this.agentMessageIds.delete(this.agentMessageIds.values().next().value as string)
    this.agentMessageIds.add(e.messageId)
  }

  /** Sends every entry of the shown thread after the cursor, in order. */
  private async syncTo (entry?: TimelineEntry): Promise<void> {
    if (this.threadId === undefined) return
    if (entry !== undefined && entry.seq <= this.cursor) return
    const entries = entry !== undefined && entry.seq === this.cursor + 1 ? [entry] : await this.host.threads.history(this.threadId, this.cursor)
    for (const e of entries) {
      if (e.seq <= this.cursor) continue
      this.remember(e)
      this.cursor = e.seq
      this.send({ type: 'message', entry: this.entryView(e) })
    }
  }

  private async onLive (event: LiveEvent): Promise<void> {
    // since plugin API 1.4 the hub publishes nothing but what this plugin pushed (live.ts)
    if (this.closed || event.type !== 'pushed') return
    const push = event.payload as WidgetPush
    if (push.type === 'entry') return await this.onEntry(push.entry)
    return await this.onSignal(push.signal)
  }

  private async onEntry (entry: TimelineEntry): Promise<void> {
    if (entry.threadId === this.threadId) return await this.syncTo(entry)
    // A message on another thread: an agent's direct message opened a new one. Show it if it is open.
    const thread = await this.host.threads.get(entry.threadId)
    if (thread?.status === 'open' && thread.customerId === this.customerId) await this.show(thread, 0)
  }

  private async onSignal (signal: ChannelSignal): Promise<void> {
    if (signal.threadId !== this.threadId) return
    switch (signal.type) {
      case 'typing': this.send({ type: 'typing', threadId: signal.threadId, on: signal.on }); return
      case 'idle-warning':
        // the prompt is a line of the transcript, stored before the signal: show it first, the countdown goes in it
        await this.syncTo()
        this.send({ type: 'idle-warning', threadId: signal.threadId, endsAt: signal.endsAt, now: Date.now(), text: signal.text })
        return
      case 'idle-cleared': this.send({ type: 'idle-cleared', threadId: signal.threadId }); return
      case 'message-status': this.send({ type: 'status', threadId: signal.threadId, messageId: signal.messageId, status: signal.status }); return
      case 'thread-closed':
        // the idle rule's end line, stored before the close
        this.threadOpen = false
        await this.syncTo()
        this.send({ type: 'thread-closed', threadId: signal.threadId, reason: signal.reason })
    }
  }

  private async message (frame: MessageFrame): Promise<void> {
    const customerId = this.customerId as string
    const secret = this.host.config.identitySecret
    const attachments = frame.attachments ?? []
    if (frame.text.trim() === '' && attachments.length === 0) { this.error(WateringHoleErrors.INVALID_FRAME.code, 'A message needs text or an attachment.', { clientMessageId: frame.clientMessageId }); return }
    if (!attachments.every(a => checkAttachmentSeal(secret, customerId, a))) {
      this.error(WateringHoleErrors.ATTACHMENT_INVALID.code, 'Attachments must be uploaded through this chat first.', { clientMessageId: frame.clientMessageId })
      return
    }
    if (this.threadId !== undefined && !this.threadOpen) {
      this.error(WateringHoleErrors.THREAD_CLOSED.code, 'This chat has ended. Start a new chat to keep talking.', { clientMessageId: frame.clientMessageId })
      return
    }
    if (this.threadId === undefined) await this.show(await this.host.threads.current(customerId), 0)
    const threadId = this.threadId as string
    const avatarUrl = this.avatar === undefined ? undefined : this.io.avatarUrl(this.avatar)
    const event: WateringHoleEvent = {
      clientMessageId: frame.clientMessageId,
      threadId,
      customer: { customerId, name: this.name, ...(avatarUrl !== undefined ? { avatarUrl } : {}) },
      text: frame.text,
      attachments: attachments.map(a => ({ friendlyName: a.friendlyName, url: a.url, mimeType: a.mimeType })),
      sentAt: Date.now()
    }
    let result
    try {
      result = await this.host.receive(event)
    } catch (err) {
      if ((err as { code?: unknown }).code === 'BYOC_ERR_THREAD_CLOSED') {
        this.threadOpen = false
        this.error(WateringHoleErrors.THREAD_CLOSED.code, 'This chat has ended. Start a new chat to keep talking.', { clientMessageId: frame.clientMessageId })
        const thread = await this.host.threads.get(threadId)
        this.send({ type: 'thread-closed', threadId, reason: thread?.closedReason ?? 'agent' })
        return
      }
      throw err
    }
    const stored = result.messages[0]
    if (stored === undefined) return
    this.send({ type: 'ack', clientMessageId: frame.clientMessageId, messageId: stored.messageId, threadId: stored.threadId, seq: stored.seq, duplicate: stored.duplicate })
    // a resend of a stored message: the hub kept the first one, which this socket showed unless it fell in a gap
    if (stored.duplicate) { if (stored.seq > this.cursor) await this.syncTo(); return }
    const entry = ownEntry(event, stored)
    await this.syncTo(entry)
    // the customer's other tabs, on any instance; this one drops its own copy by seq
    await this.host.push(customerId, { type: 'entry', entry } satisfies WidgetPush).catch(err => {
      this.host.log.warn({ err, customerId }, 'watering-hole: own message not pushed to other tabs; they resume from history')
    })
  }

  private async newChat (): Promise<void> {
    const customerId = this.customerId as string
    // An open thread stays the chat; otherwise show an empty one. The thread itself opens with the first
    // message, so a curious click does not create a conversation in CXone.
    const open = await this.host.threads.findOpen(customerId)
    if (open !== undefined) { if (open.threadId !== this.threadId) await this.show(open, 0); else this.send({ type: 'history', thread: threadView(open), resume: true, entries: [] }); return }
    await this.show(undefined, 0)
  }
}

function latest (threads: ThreadInfo[]): ThreadInfo | undefined {
  let best: ThreadInfo | undefined
  for (const t of threads) if (best === undefined || t.createdAt > best.createdAt) best = t
  return best
}
