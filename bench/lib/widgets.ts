import { randomUUID } from 'node:crypto'
import { request } from 'undici'
import WebSocket from 'ws'
import { nowMs } from './probes.js'

/**
 * Widget clients as the load generator sees them: one WebSocket each, counting how long agent messages take from
 * the agent's send time (text `t=<ms>;...`) to arrival. The hub's widgets speak The Watering Hole's protocol; the
 * baseline's speak the least protocol that routes a message to a socket.
 */
export interface Widget { threadId: string, customerId: string, socket: WebSocket }

export class WidgetPool {
  readonly widgets: Widget[] = []
  arrivals: number[] = []

  private track (socket: WebSocket): void {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string, entry?: { text?: string } }
      const m = frame.type === 'message' && frame.entry?.text ? /^t=([\d.]+);/.exec(frame.entry.text) : null
      if (m) this.arrivals.push(nowMs() - Number(m[1]))
    })
  }

  /**
   * A Watering Hole widget: identity, hello, and (when `open`) a first message so it has an open thread. A hub under
   * pressure answers 503 with Retry-After (its pressure guard); the widget tries again a second later, as the real
   * widget does, up to ten times.
   */
  async connectHub (hubUrl: string, n: number, open = true): Promise<Widget> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.connectHubOnce(hubUrl, n, open)
      } catch (err) {
        if (attempt >= 10 || !/\b503\b/.test((err as Error).message)) throw err
        await new Promise(resolve => setTimeout(resolve, 1000))
      }
    }
  }

  private async connectHubOnce (hubUrl: string, n: number, open: boolean): Promise<Widget> {
    const idRes = await request(`${hubUrl}/channels/watering-hole/identity`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `Zebra ${n}`, avatar: 'zebra' })
    })
    const identity = await idRes.body.json() as { token: string, customer: { customerId: string } }
    if (idRes.statusCode !== 200) throw new Error(`identity: ${idRes.statusCode} ${JSON.stringify(identity)}`)
    const socket = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}/channels/watering-hole/ws`)
    await once(socket, 'open')
    const frames = frameQueue(socket)
    socket.send(JSON.stringify({ type: 'hello', token: identity.token }))
    await frames.until(f => f.type === 'history')
    let threadId = ''
    if (open) {
      const clientMessageId = randomUUID()
      socket.send(JSON.stringify({ type: 'message', clientMessageId, text: `hello from zebra ${n}` }))
      threadId = (await frames.until(f => f.type === 'ack' && f.clientMessageId === clientMessageId)).threadId as string
    }
    frames.stop()
    this.track(socket)
    const w = { threadId, customerId: identity.customer.customerId, socket }
    this.widgets.push(w)
    return w
  }

  /** A baseline widget: one hello naming its thread. */
  async connectBaseline (baseUrl: string, n: number): Promise<Widget> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`)
    await once(socket, 'open')
    const frames = frameQueue(socket)
    const threadId = `bth-${n}`
    socket.send(JSON.stringify({ threadId }))
    await frames.until(f => f.type === 'welcome')
    frames.stop()
    this.track(socket)
    const w = { threadId, customerId: `b-${n}`, socket }
    this.widgets.push(w)
    return w
  }

  /** Connects `count` widgets, `parallel` at a time. */
  async connectMany (count: number, parallel: number, connect: (n: number) => Promise<Widget>): Promise<void> {
    let next = 0
    await Promise.all(Array.from({ length: parallel }, async () => {
      while (next < count) await connect(next++)
    }))
  }

  takeArrivals (): number[] {
    const a = this.arrivals
    this.arrivals = []
    return a
  }

  async close (): Promise<void> {
    await Promise.all(this.widgets.map(w => new Promise<void>(resolve => {
      if (w.socket.readyState === WebSocket.CLOSED) return resolve()
      w.socket.once('close', () => resolve())
      w.socket.close()
      setTimeout(() => { w.socket.terminate(); resolve() }, 2000).unref()
    })))
    this.widgets.length = 0
  }
}

function once (socket: WebSocket, event: 'open'): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once(event, () => resolve())
    socket.once('error', reject)
  })
}

type Frame = Record<string, unknown> & { type: string }
function frameQueue (socket: WebSocket): { until: (match: (f: Frame) => boolean, timeoutMs?: number) => Promise<Frame>, stop: () => void } {
  const seen: Frame[] = []
  let waiter: (() => void) | undefined
  const onMessage = (data: WebSocket.RawData): void => { seen.push(JSON.parse(String(data)) as Frame); waiter?.() }
  socket.on('message', onMessage)
  return {
    until: async (match, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const i = seen.findIndex(match)
        if (i >= 0) return seen.splice(i, 1)[0]!
        if (Date.now() > deadline) throw new Error(`no matching frame within ${timeoutMs} ms (saw ${seen.map(f => f.type).join(', ')})`)
        await new Promise<void>(resolve => { waiter = resolve; setTimeout(resolve, 250) })
      }
    },
    stop: () => { socket.off('message', onMessage) }
  }
}
