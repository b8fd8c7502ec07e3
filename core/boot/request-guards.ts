import fp from 'fastify-plugin'
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import websocket from '@fastify/websocket'
import { errorHandler } from '../infra/error-handler.js'
import { securityHeaders } from '../infra/security-headers.js'
import { strictJson } from '../infra/strict-json.js'
import { pressureGuard } from '../infra/pressure-guard.js'
import { openApi } from '../infra/openapi.js'
import { stuckConnectionGuard } from '../infra/close-stuck-connections.js'
import { kConfig } from './config.js'
import { kStore, redisOf } from './store.js'
import { sharedRateLimitStore } from '../infra/rate-limit-store.js'
import type { Redis } from 'ioredis'

/**
 * What every request passes through, registered before any route so its hooks cover them all: the error body,
 * security headers, strict JSON, the overload guard, OpenAPI, WebSocket upgrades, the shutdown's end for stuck
 * connections, and the rate limit.
 */
export const requestGuardsStep = fp(async (app) => {
  const config = app[kConfig]
  await app.register(errorHandler)
  await app.register(securityHeaders)
  strictJson(app)
  pressureGuard(app)
  await app.register(openApi, { config })
  // WebSocket support at the root, once: its hooks then cover every route, so an upgrade request answered with a
  // plain 404 (no websocket route there) still has its socket destroyed, and channels share one upgrade listener.
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } })
  const stuck = stuckConnectionGuard(app)
  app.addHook('preClose', async () => { stuck.arm(config.server.shutdownGrace) })
  // by onClose the listener has closed; whatever still runs then (the worker's drain) needs no sockets
  app.addHook('onClose', async () => { stuck.disarm() })
  const redis = redisOf(app[kStore])
  const SharedStore = redis ? sharedRateLimitStore(redis.redis as Redis, `${redis.keyspace}rl:`) : undefined
  await app.register(rateLimit, {
    global: true,
    max: config.server.rateLimit.max,
    timeWindow: config.server.rateLimit.window,
    hook: 'preHandler', // after authentication, so verified clients are limited per client id, others per IP
    keyGenerator: (request) => (request.user as { sub?: string } | null)?.sub ? `client:${(request.user as { sub: string }).sub}` : `ip:${request.ip}`,
    // several instances count together. Redis down is a per-route choice (S-16, docs/security.md): by default the
    // limiter lets a request through, since every route that needs Redis answers 503 by itself (channel ingress cannot
    // store, so it never acks what it could not keep); the token route, which needs no Redis to sign, fails closed
    // (core/byoc-routes/token.ts)
    // leased from the shared count and spent locally (rate-limit-store.ts): no round trip of a request's own
    ...(SharedStore ? { store: SharedStore as unknown as FastifyRateLimitStoreCtor, skipOnError: true } : {})
  })
}, { name: 'byoc-hub-request-guards', fastify: '5.x', dependencies: ['byoc-hub-config', 'byoc-hub-store'] })
