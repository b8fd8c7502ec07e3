import type { ClientFrame, MessageFrame, ServerFrame } from './protocol.js'
import { THREAD_CLOSED } from './protocol.js'
import { storage } from './storage.js'

export type ConnectionState = 'connecting' | 'online' | 'offline'

export interface ConnectionHandlers {
  frame (frame: ServerFrame): void
  state (state: ConnectionState): void
  /** the server refused our token: the identity has to be made again */
  rejected (): void
}

const OUTBOX_KEY = 'watering-hole.outbox'
const CONNECT_TIMEOUT_MS = 10_000

/**
 * The socket, kept alive: reconnects with capped exponential backoff and jitter, says hello with the last
 * seq it showed per thread (the server resumes after it), and resends every message not yet acked with
 * its original clientMessageId, so the hub stores it once however often the connection drops.
 */
export class Connection {
  private ws: WebSocket | undefined
  private attempt = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private stopped = false
  private ready = false
  readonly lastSeq: Record<string, number> = {}
  private readonly outbox = new Map<string, MessageFrame>()

  /** `locale`: the page's language, told to the hub in every hello (it keeps it with the customer). */
  constructor (private readonly url: string, private token: string, private readonly locale: string, private readonly on: ConnectionHandlers) {
    try {
      for (const f of JSON.parse(storage.get(OUTBOX_KEY) ?? '[]') as MessageFrame[]) this.outbox.set(f.clientMessageId, f)
    } catch { /* a corrupt outbox is dropped */ }
  }

  get pending (): MessageFrame[] { return [...this.outbox.values()] }

  start (): void {
    this.stopped = false
    this.open()
  }

  stop (): void {
    this.stopped = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.ws?.close(1000, 'bye')
  }

  /** Sends now if the socket is up and resumed; otherwise drops it (only messages are worth keeping). */
  send (frame: ClientFrame): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN || !this.ready) return false
    this.ws.send(JSON.stringify(frame))
    return true
  }

  sendMessage (frame: MessageFrame): void {
    this.outbox.set(frame.clientMessageId, frame)
    this.saveOutbox()
    this.send(frame)
  }

  /** The message is settled (stored, or refused for good): stop resending it. */
  settle (clientMessageId: string): void {
    if (this.outbox.delete(clientMessageId)) this.saveOutbox()
  }

  private saveOutbox (): void {
    storage.set(OUTBOX_KEY, JSON.stringify([...this.outbox.values()]))
  }

  private open (): void {
    this.on.state('connecting')
    this.ready = false
    let ws: WebSocket
    try {
      ws = new WebSocket(this.url)
    } catch {
      this.on.state('offline')
      this.retry()
      return
    }
    this.ws = ws
    // Some failures (a blocked or black-holed connection) never fire close: give up on this attempt.
    const watchdog = setTimeout(() => { if (!this.ready) this.abandon(ws) }, CONNECT_TIMEOUT_MS)
    ws.onopen = () => {
      this.attempt = 0
      ws.send(JSON.stringify({ type: 'hello', token: this.token, lastSeq: this.lastSeq, locale: this.locale }))
    }
    ws.onmessage = (ev) => {
      let frame: ServerFrame
      try { frame = JSON.parse(String(ev.data)) as ServerFrame } catch { return }
      if (frame.type === 'welcome') this.token = frame.token // renewed by the hub: the next hello uses it
      this.track(frame)
      this.on.frame(frame)
      if (frame.type === 'history' && !this.ready) {
        this.ready = true
        this.on.state('online')
        for (const f of this.outbox.values()) ws.send(JSON.stringify(f))
      }
    }
    ws.onclose = (ev) => {
      clearTimeout(watchdog)
      if (this.ws !== ws) return
      this.ready = false
      this.ws = undefined
      if (ev.code === 4401) { this.on.rejected(); return }
      this.on.state('offline')
      if (!this.stopped) this.retry()
    }
  }

  private abandon (ws: WebSocket): void {
    if (this.ws !== ws) return
    this.ws = undefined
    ws.onclose = null
    ws.close()
    this.on.state('offline')
    if (!this.stopped) this.retry()
  }

  private track (frame: ServerFrame): void {
    if (frame.type === 'history') {
      for (const e of frame.entries) this.lastSeq[e.threadId] = Math.max(this.lastSeq[e.threadId] ?? 0, e.seq)
    } else if (frame.type === 'message') {
      const e = frame.entry
      this.lastSeq[e.threadId] = Math.max(this.lastSeq[e.threadId] ?? 0, e.seq)
      if (e.clientMessageId !== undefined) this.settle(e.clientMessageId)
    } else if (frame.type === 'ack') {
      this.settle(frame.clientMessageId)
    } else if (frame.type === 'error' && frame.clientMessageId !== undefined && frame.code !== 'BYOC_WATERING_HOLE_ERR_UNAVAILABLE') {
      // refused for good (closed thread, bad attachment): resending would only be refused again
      this.settle(frame.clientMessageId)
    } else if (frame.type === 'error' && frame.code === THREAD_CLOSED) {
      this.outbox.clear()
      this.saveOutbox()
    }
  }

  private retry (): void {
    const delay = Math.min(30_000, 500 * 2 ** this.attempt) * (0.5 + Math.random() / 2)
    this.attempt++
    this.timer = setTimeout(() => this.open(), delay)
  }
}
