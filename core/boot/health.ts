import fp from 'fastify-plugin'
import { healthRoutes, type Readiness } from '../infra/health.js'
import { kStore } from './store.js'
import { kCxone } from './cxone.js'

export const kReadiness = Symbol('byoc-hub.readiness')
declare module 'fastify' {
  interface FastifyInstance { [kReadiness]: Readiness }
}

/** /health/live and /health/ready; readiness turns false as the close begins (server.ts turns it earlier on SIGTERM). */
export const healthStep = fp(async (app) => {
  const tenants = app[kCxone].all().map(w => ({ id: w.tenant, tokens: w.wiring.tokens }))
  const readiness: Readiness = { draining: false, store: app[kStore], tokens: tenants[0]!.tokens, ...(tenants.length > 1 ? { tenants } : {}) }
  app.decorate(kReadiness, readiness)
  await app.register(healthRoutes, { readiness })
  // drain order starts here: stop taking work (the later steps' onClose hooks finish in-flight jobs, then close)
  app.addHook('preClose', async () => { readiness.draining = true })
}, { name: 'byoc-hub-health', fastify: '5.x', dependencies: ['byoc-hub-store', 'byoc-hub-cxone'] })
