import fp from 'fastify-plugin'
import { observability } from '../infra/observability.js'
import { kConfig } from './config.js'
import { kStore } from './store.js'
import { kBus } from './bus.js'
import { kMetrics } from './metrics.js'
import { kConversations } from './conversations.js'
import { kReadiness } from './health.js'

export const kMetricsUrl = Symbol('byoc-hub.metrics-url')
declare module 'fastify' {
  interface FastifyInstance { [kMetricsUrl]: () => string }
}

/** Request ids, request timing, sampled gauges and /metrics, registered before the routes they time. */
export const observabilityStep = fp(async (app) => {
  app.decorate(kMetricsUrl, await observability(app, {
    config: app[kConfig], metrics: app[kMetrics], store: app[kStore], bus: app[kBus], channels: app[kConversations].channels, readiness: app[kReadiness]
  }))
}, { name: 'byoc-hub-observability', fastify: '5.x', dependencies: ['byoc-hub-config', 'byoc-hub-store', 'byoc-hub-bus', 'byoc-hub-metrics', 'byoc-hub-conversations', 'byoc-hub-health'] })
