import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface SinkRequest {
  readonly method: string
  /** path and query, e.g. /messages */
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly raw: Buffer
  /** the body parsed as JSON, when it is JSON */
  readonly json: unknown
  /** the status the sink answered */
  readonly status: number
}

export interface PlatformSink {
  /** http://127.0.0.1:<port> */
  readonly url: string
  readonly requests: readonly SinkRequest[]
  /** Answers the next `count` requests with `status` (default 503), to exercise the hub's retries. */
  failNext (count: number, status?: number): void
  close (): Promise<void>
}

/** A real HTTP server that records every request and answers 200 (or a queued failure). */
export async function startPlatformSink (): Promise<PlatformSink> {
  const requests: SinkRequest[] = []
  const failures: number[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      let json: unknown
      try { json = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined } catch { json = undefined }
      const status = failures.shift() ?? 200
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, raw, json, status })
      res.writeHead(status, { 'content-type': 'application/json' }).end(status < 300 ? '{"ok":true}' : '{"ok":false}')
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext (count, status = 503) { for (let i = 0; i < count; i++) failures.push(status) },
    close: () => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) })
  }
}
