import autocannon from 'autocannon'
import { Pool } from 'undici'
import { performance } from 'node:perf_hooks'
import { percentiles } from './probes.js'

export interface HttpRequest { method: 'POST' | 'GET', path: string, headers: Record<string, string>, body?: string }

export interface LoadResult {
  /** successful (2xx) responses per second */
  rps: number
  p50: number
  p99: number
  max: number
  ok: number
  failed: number
  firstFailure?: string
}

/**
 * Closed loop at full speed (autocannon, `connections` in flight): the throughput ceiling. `make(i)` builds the
 * i-th request, so every request can carry its own ids and send time.
 */
export async function saturate (url: string, make: (i: number) => HttpRequest, opts: { seconds: number, connections: number }): Promise<LoadResult> {
  let i = 0
  const latencies: number[] = []
  let failed = 0
  const first = make(0)
  const instance = autocannon({
    url,
    connections: opts.connections,
    duration: opts.seconds,
    timeout: 10,
    // autocannon writes Content-Length into the headers it is given: hand it copies, never a shared object
    requests: [{ ...first, headers: { ...first.headers }, setupRequest: () => { const r = make(i++); return { ...r, headers: { ...r.headers } } } }]
  })
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms)
    else failed++
  })
  const result = await instance
  const p = percentiles(latencies)
  return { rps: latencies.length / result.duration, p50: p.p50, p99: p.p99, max: p.max, ok: latencies.length, failed: failed + result.errors + result.timeouts }
}

/**
 * Open loop at a fixed rate: request i is due at start + i/rate and its latency counts from then (no coordinated
 * omission), whatever the server's speed. autocannon's rate limit sends each second's quota in a burst, so this
 * paces requests itself, over a keep-alive pool.
 */
export async function paced (url: string, make: (i: number) => HttpRequest, opts: { rate: number, seconds: number, connections?: number }): Promise<LoadResult> {
  const pool = new Pool(url, { connections: opts.connections ?? 64, pipelining: 1 })
  const total = Math.round(opts.rate * opts.seconds)
  const interval = 1000 / opts.rate
  const latencies: number[] = []
  let failed = 0
  let firstFailure: string | undefined
  const inflight: Array<Promise<void>> = []
  const start = performance.now() + 5
  let i = 0
  const send = (n: number, dueAt: number): Promise<void> => {
    const r = make(n)
    return pool.request({ method: r.method, path: r.path, headers: { ...r.headers }, ...(r.body !== undefined ? { body: r.body } : {}) })
      .then(async (res) => {
        await res.body.dump()
        if (res.statusCode >= 200 && res.statusCode < 300) latencies.push(performance.now() - dueAt)
        else { failed++; firstFailure ??= `${r.path}: ${res.statusCode}` }
      }, (err: Error) => { failed++; firstFailure ??= `${r.path}: ${err.message}` })
  }
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now()
      while (i < total && start + i * interval <= now) {
        inflight.push(send(i, start + i * interval))
        i++
      }
      if (i < total) setTimeout(tick, 1)
      else resolve()
    }
    setTimeout(tick, 5)
  })
  await Promise.all(inflight)
  const elapsed = (performance.now() - start) / 1000
  await pool.close()
  const p = percentiles(latencies)
  return { rps: latencies.length / elapsed, p50: p.p50, p99: p.p99, max: p.max, ok: latencies.length, failed, ...(firstFailure ? { firstFailure } : {}) }
}

/**
 * Sends `total` requests, `concurrency` at a time, as fast as the server takes them (set-up, not a measurement);
 * a 503 (the hub's pressure guard, with Retry-After) is sent again a second later, up to ten times; any other
 * failure throws.
 */
export async function sendAll (url: string, total: number, concurrency: number, make: (i: number) => HttpRequest): Promise<{ seconds: number }> {
  const pool = new Pool(url, { connections: concurrency })
  const start = performance.now()
  let next = 0
  try {
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const r = make(next++)
        for (let attempt = 1; ; attempt++) {
          const res = await pool.request({ method: r.method, path: r.path, headers: { ...r.headers }, ...(r.body !== undefined ? { body: r.body } : {}) })
          const text = await res.body.text()
          if (res.statusCode === 503 && attempt < 10) { await new Promise(resolve => setTimeout(resolve, 1000)); continue }
          if (res.statusCode >= 300) throw new Error(`${r.path}: ${res.statusCode} ${text}`)
          break
        }
      }
    }))
  } finally {
    await pool.close()
  }
  return { seconds: (performance.now() - start) / 1000 }
}
