import Fastify from 'fastify'
import type { Test } from 'tap'

export interface PlatformDelivery { at: number, id: string, thread: string, text: string }

export interface RecordingPlatform {
  url: string
  port: number
  /** accepted deliveries (2xx), in arrival order */
  deliveries: PlatformDelivery[]
  /** every request, including refused ones */
  readonly requests: number
  /** idle warnings, closes, typing..., each with its arrival time */
  signals: Array<{ at: number, type: string, threadId?: string, reason?: string }>
  /** answer every /messages with this status (503 = down) until cleared with undefined */
  failAll (status: number | undefined): void
  /** answer /messages with a redirect to this URL */
  /** answer /messages with a 308 to `url`: the next `answers` times, or until switched off with undefined */
  redirectTo (url: string | undefined, answers?: number): void
  /** how many 308s the platform has answered */
  readonly redirected: number
  /** answer every /messages this much later (a slow platform) */
  setLatency (ms: number): void
  close (): Promise<void>
}

/**
 * The platform side for the recorder channel: records each agent message with its idempotency key (the hub's
 * idOnExternalPlatform) and thread, in arrival order; can be switched down or to redirecting.
 */
export async function startRecordingPlatform (t: Test): Promise<RecordingPlatform> {
  const app = Fastify({ logger: false })
  const deliveries: PlatformDelivery[] = []
  const signals: RecordingPlatform['signals'] = []
  let requests = 0
  let failing: number | undefined
  let redirect: string | undefined
  let redirectsLeft = Infinity
  let redirected = 0
  let latency = 0
  app.post('/messages', async (req, reply) => {
    requests++
    if (latency) await new Promise(r => setTimeout(r, latency))
    if (redirect && redirectsLeft > 0) {
      redirectsLeft--
      redirected++
      return reply.code(308).header('location', redirect).send()
    }
    if (failing !== undefined) return reply.code(failing).send({ error: 'scripted' })
    const b = req.body as { id: string, thread: string, text: string }
    deliveries.push({ at: Date.now(), id: b.id, thread: b.thread, text: b.text })
    return { ok: true }
  })
  app.post('/signals', async (req) => { signals.push({ ...(req.body as { type: string }), at: Date.now() }); return { ok: true } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const port = (app.server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`, port, deliveries, signals,
    get requests () { return requests },
    failAll: (s) => { failing = s },
    setLatency: (ms) => { latency = ms },
    get redirected () { return redirected },
    redirectTo: (u, answers = Infinity) => { redirect = u; redirectsLeft = answers },
    close: () => app.close()
  }
}
