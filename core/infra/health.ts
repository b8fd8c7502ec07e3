import type { FastifyInstance } from 'fastify'
import type { Store } from '../store/types.js'
import type { CxoneTokenSource } from '../cxone/dfo-types.js'

export interface Readiness { draining: boolean, store: Store, tokens: CxoneTokenSource }

const TOKEN_FRESH_MS = 15 * 60_000

/**
 * /health/live: the process answers. /health/ready: the store answers, a CXone token is obtainable (or was obtained
 * recently), and the hub is not draining, so a load balancer stops sending before the listener closes.
 */
export async function healthRoutes (app: FastifyInstance, opts: { readiness: Readiness }): Promise<void> {
  const r = opts.readiness
  app.get('/health/live', { schema: { tags: ['operations'], summary: 'Liveness' } as object, config: { rateLimit: false } }, async () => ({ status: 'ok' }))
  app.get('/health/ready', { schema: { tags: ['operations'], summary: 'Readiness' } as object, config: { rateLimit: false } }, async (_request, reply) => {
    const { ready, checks } = await checkReadiness(r)
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks })
  })
}

/** The readiness checks, also sampled into byoc_ready so alerts see what a load balancer sees. */
export async function checkReadiness (r: Readiness): Promise<{ ready: boolean, checks: Record<string, string> }> {
  const checks: Record<string, string> = {}
  checks.draining = r.draining ? 'draining' : 'ok'
  try {
    await withTimeout(r.store.ping(), 1000)
    checks.store = 'ok'
  } catch (err) {
    checks.store = `unreachable: ${(err as Error).message}`
  }
  const last = r.tokens.lastObtainedAt
  if (last !== undefined && Date.now() - last < TOKEN_FRESH_MS) {
    checks.cxone = 'ok'
  } else {
    try {
      await withTimeout(r.tokens.get(), 2000)
      checks.cxone = 'ok'
    } catch (err) {
      checks.cxone = `token unavailable: ${(err as Error).message}`
    }
  }
  return { ready: Object.values(checks).every(v => v === 'ok'), checks }
}

function withTimeout<T> (p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)
    p.then(v => { clearTimeout(t); resolve(v) }, e => { clearTimeout(t); reject(e) })
  })
}
