import fp from 'fastify-plugin'
import { createServer, type Server } from 'node:http'
import { timingSafeEqual, createHash } from 'node:crypto'
import type { HubMetrics } from './metrics.js'
import { Errors, hubError } from '../errors.js'

export interface MetricsHttpOptions {
  metrics: HubMetrics
  /** a port of its own for /metrics (0 = any free one); undefined = the main port, behind bearerToken */
  port?: number
  host: string
  bearerToken?: string
  /** route patterns not timed (the sandbox mounted in the hub is CXone's stand-in, not the hub's API) */
  untimedPrefixes?: string[]
}

export interface MetricsEndpoint {
  /** where Prometheus scrapes, or why it cannot */
  url: () => string
}

declare module 'fastify' {
  interface FastifyInstance { metricsEndpoint: MetricsEndpoint }
}

/**
 * Times every request by its route pattern (request.routeOptions.url, never the raw URL, so label values stay
 * bounded) and serves /metrics: on a port of its own when metrics.port is set, else on the main port behind
 * metrics.bearerToken, and not at all when neither is given (a public metrics page would leak traffic shapes).
 */
export const metricsHttp = fp<MetricsHttpOptions>(async (app, opts) => {
  const { metrics } = opts
  const untimed = opts.untimedPrefixes ?? []

  // decided once per route pattern, not per request
  const untimedRoutes = new Map<string, boolean>()
  const isUntimed = (route: string): boolean => {
    let skip = untimedRoutes.get(route)
    if (skip === undefined) untimedRoutes.set(route, skip = untimed.some(p => route.startsWith(p)))
    return skip
  }
  // a callback hook, not an async one: no promise per request
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url
    // a WebSocket lives for minutes; its handshake is not a response time
    if (!request.raw.headers.upgrade && (route === undefined || !isUntimed(route))) {
      metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000)
    }
    done()
  })

  const scrape = async (): Promise<{ type: string, body: string }> => ({ type: metrics.registry.contentType, body: await metrics.registry.metrics() })
  const authorized = (header: string | undefined): boolean =>
    opts.bearerToken === undefined || (header !== undefined && sameSecret(header, `Bearer ${opts.bearerToken}`))

  if (opts.port !== undefined) {
    const server = metricsServer(scrape, authorized)
    app.addHook('onReady', async () => {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(opts.port, opts.host, () => { server.off('error', reject); resolve() })
      })
    })
    app.addHook('onClose', async () => {
      if (!server.listening) return
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    })
    app.decorate('metricsEndpoint', {
      url: () => {
        const addr = server.address()
        const port = addr && typeof addr === 'object' ? addr.port : opts.port
        return `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}/metrics`
      }
    })
    return
  }

  if (opts.bearerToken === undefined) {
    app.decorate('metricsEndpoint', { url: () => 'not served: set metrics.port, or metrics.bearerToken to serve /metrics on the main port' })
    return
  }
  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics (bearer token)', hide: true } as object, config: { rateLimit: false } }, async (request, reply) => {
    if (!authorized(request.headers.authorization)) {
      reply.header('www-authenticate', 'Bearer realm="byoc-hub metrics"')
      throw hubError('UNAUTHORIZED', 'metrics need the bearer token from metrics.bearerToken')
    }
    const { type, body } = await scrape()
    return reply.type(type).header('cache-control', 'no-store').send(body)
  })
  app.decorate('metricsEndpoint', { url: () => 'main port /metrics (Authorization: Bearer <metrics.bearerToken>)' })
}, { name: 'byoc-hub-metrics-http', fastify: '5.x' })

/** A bare node:http server: the metrics port answers only GET /metrics, nothing the hub's plugins add. */
function metricsServer (scrape: () => Promise<{ type: string, body: string }>, authorized: (h: string | undefined) => boolean): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: Errors.NOT_FOUND.code, message: 'only GET /metrics here' } }))
      return
    }
    if (!authorized(req.headers.authorization)) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="byoc-hub metrics"' })
        .end(JSON.stringify({ error: { code: Errors.UNAUTHORIZED.code, message: 'metrics need the bearer token from metrics.bearerToken' } }))
      return
    }
    scrape().then(({ type, body }) => res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body), (err: Error) => {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: Errors.INTERNAL.code, message: err.message } }))
    })
  })
}

/** constant-time compare of two strings of any length (hash first, so lengths do not leak either) */
function sameSecret (a: string, b: string): boolean {
  const h = (s: string): Buffer => createHash('sha256').update(s).digest()
  return timingSafeEqual(h(a), h(b))
}
