import type { FastifyInstance } from 'fastify'
import type { Store } from '../store/types.js'
import type { CxoneTokenSource } from '../cxone/dfo-types.js'
import { cxoneTokenCheck, withTimeout } from './cxone-probe.js'

export interface Readiness {
  draining: boolean
  store: Store
  tokens: CxoneTokenSource
  /** with several tenants, each one's token source (config/tenants.ts); `tokens` is then the first one's */
  tenants?: ReadonlyArray<{ readonly id: string, readonly tokens: CxoneTokenSource }>
}

const TOKEN_FRESH_MS = 15 * 60_000

/**
 * /health/live: the process answers. /health/ready: the store answers, a CXone token is obtainable (or was obtained
 * recently), and the hub is not draining, so a load balancer stops sending before the listener closes.
 * The route is public: its body says only `ok` or `not ready` per check. Why a check fails (Redis's address, CXone's
 * answer) goes to the log, once per change, and to the byoc_readiness_check metric.
 */
export async function healthRoutes (app: FastifyInstance, opts: { readiness: Readiness }): Promise<void> {
  const r = opts.readiness
  const logged = new Map<string, string>()
  app.get('/health/live', { schema: { tags: ['operations'], summary: 'Liveness' } as object, config: { rateLimit: false } }, async () => ({ status: 'ok' }))
  app.get('/health/ready', { schema: { tags: ['operations'], summary: 'Readiness' } as object, config: { rateLimit: false } }, async (_request, reply) => {
    const { ready, checks } = await checkReadiness(r)
    const pub: Record<string, 'ok' | 'not ready'> = {}
    for (const [name, detail] of Object.entries(checks)) {
      pub[name] = detail === 'ok' ? 'ok' : 'not ready'
      if (logged.get(name) === detail) continue
      if (detail === 'ok') { if (logged.has(name)) app.log.info({ check: name }, 'readiness check recovered') } else app.log.warn({ check: name, detail }, 'readiness check failing')
      logged.set(name, detail)
    }
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks: pub })
  })
}

/** The readiness checks with their reasons (internal: logs and byoc_ready/byoc_readiness_check, never the public body). */
export async function checkReadiness (r: Readiness): Promise<{ ready: boolean, checks: Record<string, string> }> {
  const checks: Record<string, string> = {}
  checks.draining = r.draining ? 'draining' : 'ok'
  try {
    await withTimeout(r.store.ping(), 1000)
    checks.store = 'ok'
  } catch (err) {
    checks.store = `unreachable: ${(err as Error).message}`
  }
  const tenants = r.tenants ?? []
  if (tenants.length <= 1) checks.cxone = await tokenCheck(r.tokens)
  else {
    const each = await Promise.all(tenants.map(t => tokenCheck(t.tokens)))
    // one tenant's CXone outage must not take the hub out of the load balancer for the other tenants
    checks.cxone = each.some(v => v === 'ok') ? 'ok' : each.map((v, i) => `${tenants[i]!.id}: ${v}`).join('; ')
  }
  return { ready: Object.values(checks).every(v => v === 'ok'), checks }
}

async function tokenCheck (tokens: CxoneTokenSource): Promise<string> {
  const last = tokens.lastObtainedAt
  return last !== undefined && Date.now() - last < TOKEN_FRESH_MS ? 'ok' : await cxoneTokenCheck(tokens)
}
