import fp from 'fastify-plugin'
import formbody from '@fastify/formbody'
import { tokenRoute } from '../byoc-routes/token.js'
import { cxoneRoutes } from '../byoc-routes/index.js'
import { actionRoutes } from '../byoc-routes/actions.js'
import { attachmentRoutes } from '../attachments/routes.js'
import { kConfig } from './config.js'
import { kStore } from './store.js'
import { kAddresses } from './addresses.js'
import { kMetrics } from './metrics.js'
import { kAuth } from './auth.js'
import { kCxone } from './cxone.js'
import { kConversations } from './conversations.js'
import { allClients } from '../../config/tenants.js'

/**
 * The hub's own routes, each group encapsulated: what CXone calls under server.basePath (token, the bearer-checked
 * M2..M5 routes, the action pages), then the links to kept attachments.
 */
export const routesStep = fp(async (app) => {
  const config = app[kConfig]
  const configuredClients = allClients(config)
  const store = app[kStore]
  const { selfUrl } = app[kAddresses]
  const { keys, clients, failures } = app[kAuth]
  const cxone = app[kCxone]
  const { conversations, channels, keeper } = app[kConversations]
  await app.register(async (scope) => {
    // form bodies only where OAuth and the action pages need them
    await scope.register(formbody, { bodyLimit: config.server.bodyLimit })
    await tokenRoute(scope, {
      clients, keys, ttlSeconds: Math.round(config.auth.tokenTtl / 1000),
      issuer: config.auth.issuer, audience: config.auth.audience, failures, onIssued: app[kMetrics]?.onTokenRequest
    })
    await scope.register(async (bearerScope) => cxoneRoutes(bearerScope, {
      channels, conversations, store, publicUrl: selfUrl,
      clientTenants: new Map(configuredClients.map(c => [c.clientId, c.tenant])),
      clientChannels: new Map(configuredClients.filter(c => c.channels).map(c => [c.clientId, new Set(c.channels)]))
    }))
    await scope.register(actionRoutes, { config, channels, cxone, store, selfUrl })
  }, { prefix: config.server.basePath })
  await app.register(attachmentRoutes, { keeper, timeoutMs: config.cxone.timeout })
}, { name: 'byoc-hub-routes', fastify: '5.x', dependencies: ['byoc-hub-config', 'byoc-hub-store', 'byoc-hub-addresses', 'byoc-hub-metrics', 'byoc-hub-auth', 'byoc-hub-cxone', 'byoc-hub-conversations'] })
