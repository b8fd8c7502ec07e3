import fp from 'fastify-plugin'
import type { HubMetrics } from '../infra/metrics.js'
import { createHubMetrics } from '../infra/observability.js'
import { kConfig } from './config.js'

export const kMetrics = Symbol('byoc-hub.metrics')
declare module 'fastify' {
  interface FastifyInstance { [kMetrics]: HubMetrics | undefined }
}

/** The hub's instruments, made before the parts they watch; undefined when metrics.enabled is false. */
export const metricsStep = fp(async (app) => {
  app.decorate(kMetrics, createHubMetrics(app[kConfig]))
}, { name: 'byoc-hub-metrics', fastify: '5.x', dependencies: ['byoc-hub-config'] })
