import fp from 'fastify-plugin'
import { KeyRing } from '../auth/key-ring.js'
import { bearerAuth } from '../auth/bearer.js'
import { ClientRoster } from '../auth/token-generation.js'
import type { ClientCredentials } from '../auth/client-credentials.js'
import { localAuthFailures, redisAuthFailures, type AuthFailureCounter } from '../auth/auth-failures.js'
import { kConfig } from './config.js'
import { kStore, redisOf } from './store.js'
import { kMetrics } from './metrics.js'
import { allClients } from '../../config/tenants.js'

export interface HubAuth {
  readonly keys: KeyRing
  /** every client has a secret here (live mode requires one, sandbox mode generated the missing ones) */
  readonly clients: ReadonlyArray<ClientCredentials>
  readonly failures: AuthFailureCounter
}

export const kAuth = Symbol('byoc-hub.auth')
declare module 'fastify' {
  interface FastifyInstance { [kAuth]: HubAuth }
}

/** Who may call the hub: signing keys (configured or kept in the store), the clients, failure counting, bearer checks. */
export const authStep = fp(async (app) => {
  const { auth, server } = app[kConfig]
  const store = app[kStore]
  const keys = new KeyRing(store, auth.signingKeys)
  await keys.init()
  // every tenant's clients (ids unique across tenants): the routes find a bearer's tenant by its client id
  const clients = allClients(app[kConfig]).filter((c): c is typeof c & { clientSecret: string } => c.clientSecret !== undefined)
  const limit = { max: server.rateLimit.authFailures, windowMs: server.rateLimit.window, log: app.log }
  const redis = redisOf(store)
  const failures = redis ? redisAuthFailures(redis.redis, redis.keyspace, limit) : localAuthFailures(limit)
  await app.register(bearerAuth, {
    keys, issuer: auth.issuer, audience: auth.audience, clockToleranceMs: auth.clockTolerance,
    clients: new ClientRoster(clients), failures, onRejected: app[kMetrics]?.onBearerRejected
  })
  app.decorate(kAuth, { keys, clients, failures })
}, { name: 'byoc-hub-auth', fastify: '5.x', dependencies: ['byoc-hub-config', 'byoc-hub-store', 'byoc-hub-metrics'] })
