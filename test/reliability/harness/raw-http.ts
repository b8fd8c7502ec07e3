import { connect, type Socket } from 'node:net'

export interface RawAnswer { status: number, text: string, ms: number, closed: boolean }

/**
 * Writes raw bytes to the hub and reads what comes back: framing the HTTP clients refuse to produce (bad lengths,
 * smuggling headers, invalid UTF-8, truncated bodies). Resolves on the first complete status line plus close, or at
 * the deadline (status 0 = no answer).
 */
export function rawRequest (port: number, chunks: Array<string | Buffer>, opts: { timeoutMs?: number, endAfter?: boolean, gapMs?: number } = {}): Promise<RawAnswer> {
  const started = performance.now()
  return new Promise(resolve => {
    const socket: Socket = connect({ host: '127.0.0.1', port })
    let text = ''
    let done = false
    const finish = (closed: boolean): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text)
      resolve({ status: m ? Number(m[1]) : 0, text, ms: performance.now() - started, closed })
    }
    const timer = setTimeout(() => finish(false), opts.timeoutMs ?? 5000)
    socket.on('data', d => { text += d.toString('latin1') })
    socket.on('close', () => finish(true))
    socket.on('error', () => finish(true))
    socket.on('connect', async () => {
      for (const c of chunks) {
        if (socket.destroyed) return
        socket.write(c)
        if (opts.gapMs) await new Promise(r => setTimeout(r, opts.gapMs))
      }
      if (opts.endAfter) socket.end()
    })
  })
}

/** A request head with a JSON content type unless told otherwise. */
export function head (method: string, path: string, headers: Record<string, string | number> = {}): string {
  const all = { host: '127.0.0.1', connection: 'close', ...headers }
  return `${method} ${path} HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`
}
