import type { FastifyInstance } from 'fastify'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Errors } from '../errors.js'

export interface PressureOptions {
  /** mean event-loop delay over one sample above which new requests are refused */
  maxEventLoopDelayMs: number
  sampleMs: number
  /** answered even under pressure: the probes that decide whether to route here at all */
  exempt: (url: string) => boolean
}

export const DEFAULT_PRESSURE: PressureOptions = {
  maxEventLoopDelayMs: 100,
  sampleMs: 500,
  exempt: (url) => url.startsWith('/health/') || url.startsWith('/metrics')
}

/**
 * Fast 503 under pressure (what @fastify/under-pressure does, in the few lines we need): when the event loop runs
 * late, every queued request waits behind every other, and all of them blow CXone's 500 ms budget. Refusing the
 * new ones at once, with Retry-After, keeps the answers fast and lets CXone or the platform retry elsewhere;
 * accepted messages are already durable, so nothing is lost.
 */
export function pressureGuard (app: FastifyInstance, opts: PressureOptions = DEFAULT_PRESSURE): { readonly overloaded: boolean, readonly refused: number } {
  const delay = monitorEventLoopDelay({ resolution: 10 })
  const state = { overloaded: false, refused: 0 }
  let wasLate = false
  let timer: NodeJS.Timeout | undefined
  // measured from ready on: loading plugins and compiling at boot makes the loop late, and that is not load
  app.addHook('onReady', async () => {
    delay.enable()
    timer = setInterval(sample, opts.sampleMs)
    timer.unref()
  })
  const sample = (): void => {
    // the mean, over two samples in a row: a lone GC pause or SQLite checkpoint is a spike, not an overload
    const late = delay.mean / 1e6 > opts.maxEventLoopDelayMs
    state.overloaded = late && wasLate
    wasLate = late
    delay.reset()
  }
  app.addHook('onClose', async () => { clearInterval(timer); delay.disable() })
  // a callback hook, not an async one: every request passes here, and a promise each is a cost for nothing
  app.addHook('onRequest', (request, reply, done) => {
    if (!state.overloaded || opts.exempt(request.url)) { done(); return }
    state.refused++
    // answered from the hook: sent, and done() not called, so the request goes no further
    reply.code(503).header('retry-after', '1').header('connection', 'close')
      .send({ error: { code: Errors.OVERLOADED.code, message: Errors.OVERLOADED.message } })
  })
  return state
}
