import type { FastifyInstance } from 'fastify'
import type { ByocConfig } from '../../config/schema.js'
import { sandboxTenant } from '../../config/tenants.js'
import type { Store } from '../store/types.js'
import type { EventBus } from '../live/event-bus.js'
import type { ChannelRegistry } from '../channels/runtime.js'
import { Jobs } from '../conversations/job-kinds.js'
import type { JobHandler } from '../delivery/outbox-worker.js'
import type { Readiness } from './health.js'
import { HubMetrics } from './metrics.js'
import { metricsHttp } from './metrics-http.js'
import { registerSampledGauges } from './metrics-gauges.js'
import { requestContext } from './observability-context.js'
import { traceJobs } from './observability-trace.js'

const VERSION = process.env.npm_package_version

/** The hub's instruments, or undefined when metrics.enabled is false (then no hook records anything). */
export function createHubMetrics (config: ByocConfig): HubMetrics | undefined {
  if (!config.metrics.enabled) return undefined
  return new HubMetrics({ budgetMs: config.metrics.latencyBudget, ...(VERSION ? { version: VERSION } : {}) })
}

/** Outbox handlers run under their request's id; platform deliveries are timed per channel. */
export function observedJobHandlers (handlers: Record<string, JobHandler>, deps: { metrics: HubMetrics | undefined, log: FastifyInstance['log'], channels: ChannelRegistry }): Record<string, JobHandler> {
  return traceJobs(handlers, {
    log: deps.log,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    platformKinds: new Set([Jobs.PLATFORM_DELIVER]),
    channelIds: () => deps.channels.all().map(c => c.id)
  })
}

export interface ObservabilityOptions {
  config: ByocConfig
  metrics: HubMetrics | undefined
  store: Store
  bus: EventBus
  channels: ChannelRegistry
  readiness: Readiness
}

/**
 * Request ids for everything a request causes; request timing, sampled gauges and /metrics when metrics are on.
 * Returns where Prometheus scrapes, for `byoc-hub start` to print.
 */
export async function observability (app: FastifyInstance, opts: ObservabilityOptions): Promise<() => string> {
  await app.register(requestContext)
  const { metrics, config } = opts
  if (!metrics) return () => 'disabled (metrics.enabled: false)'
  registerSampledGauges(metrics, { store: opts.store, bus: opts.bus, readiness: opts.readiness, channelIds: () => opts.channels.all().map(c => c.id) })
  await app.register(metricsHttp, {
    metrics,
    host: config.metrics.host,
    ...(config.metrics.port !== undefined ? { port: config.metrics.port } : {}),
    ...(config.metrics.bearerToken !== undefined ? { bearerToken: config.metrics.bearerToken } : {}),
    untimedPrefixes: sandboxTenant(config) ? ['/sandbox/'] : []
  })
  return () => app.metricsEndpoint.url()
}
