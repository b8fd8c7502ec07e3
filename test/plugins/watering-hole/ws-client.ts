import WebSocket from 'ws'
import { http } from '../../helper.js'

export const WH = '/channels/watering-hole'

/** A widget's socket driven by a test: frames are collected; `next` waits for one that matches. */
export class WidgetClient {
  readonly frames: any[] = [] // intentional any: tests read arbitrary frames
  private waiters: Array<() => void> = []
  closed: { code: number, reason: string } | undefined

  private constructor (readonly ws: WebSocket) {
    ws.on('message', data => { this.frames.push(JSON.parse(String(data))); this.wake() })
    ws.on('close', (code, reason) => { this.closed = { code, reason: String(reason) }; this.wake() })
  }

  static async open (hubUrl: string, headers: Record<string, string> = {}): Promise<WidgetClient> {
    const ws = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}${WH}/ws`, { headers })
    await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject) })
    return new WidgetClient(ws)
  }

  private wake (): void { for (const w of this.waiters.splice(0)) w() }

  send (frame: unknown): void { this.ws.send(JSON.stringify(frame)) }

  /** The first frame (from `from` on) matching `match`, waiting up to `timeoutMs`. */
  async next (match: (f: any) => boolean, timeoutMs = 10_000, from = 0): Promise<any> { // intentional any: see frames
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const hit = this.frames.slice(from).find(match)
      if (hit !== undefined) return hit
      if (this.closed !== undefined) throw new Error(`socket closed ${this.closed.code} ${this.closed.reason} before a matching frame; got ${JSON.stringify(this.frames)}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no matching frame; got ${JSON.stringify(this.frames)}`)
      await new Promise<void>(resolve => { const timer = setTimeout(resolve, left); this.waiters.push(() => { clearTimeout(timer); resolve() }) })
    }
  }

  async close (): Promise<void> {
    if (this.closed !== undefined) return
    const done = new Promise(resolve => this.ws.once('close', resolve))
    this.ws.close()
    await done
  }
}

export async function identify (hubUrl: string, name = 'Zara', avatar = 'zebra'): Promise<{ token: string, customerId: string }> {
  const res = await http('POST', `${hubUrl}${WH}/identity`, { name, avatar })
  if (res.status !== 200) throw new Error(`identity: ${res.status} ${JSON.stringify(res.body)}`)
  return { token: res.body.token, customerId: res.body.customer.customerId }
}
