import fp from 'fastify-plugin'
import { OutboxWorker } from '../delivery/outbox-worker.js'
import { createJobHandlers } from '../conversations/job-handlers.js'
import { timerFireHandler } from '../conversations/timer-loop.js'
import { observedJobHandlers } from '../infra/observability.js'
import { kConfig } from './config.js'
import { kStore } from './store.js'
import { kMetrics } from './metrics.js'
import { kCxone } from './cxone.js'
import { kConversations } from './conversations.js'
import { tenantsOf } from '../../config/tenants.js'
import type { Job } from '../store/types.js'

export const kWorker = Symbol('byoc-hub.worker')
declare module 'fastify' {
  interface FastifyInstance { [kWorker]: OutboxWorker }
}

/** The outbox worker: runs the conversation core's jobs toward CXone and the platforms, retried, in order. */
export const deliveryStep = fp(async (app) => {
  const config = app[kConfig]
  const { cxone: c, delivery } = config
  const store = app[kStore]
  const metrics = app[kMetrics]
  const { conversations, channels, idle, keeper, queued } = app[kConversations]
  const tenants = tenantsOf(config)
  const policies = new Map(tenants.map(t => [t.id, { maxAttempts: t.cxone.retries, retryBaseMs: t.cxone.retryBase, retryMaxMs: t.cxone.retryMax }]))
  const channelIdOf = (job: Job): string | undefined => (job.payload as { channelId?: string } | null)?.channelId
  const tenantOf = (job: Job): string | undefined => channels.get(channelIdOf(job) ?? '')?.tenant
  // bulkhead: with several CXone tenants, one tenant's CXone (hanging until its timeout) holds at most half the slots
  const cxoneCap = tenants.length > 1 ? Math.ceil(delivery.concurrency / 2) : undefined
  const worker = new OutboxWorker({
    store, log: app.log,
    handlers: observedJobHandlers({
      ...createJobHandlers({ store, channels, dfoOf: (channel) => app[kCxone].forChannel(channel).dfo, conversations, attachments: keeper }),
      'timer.fire': timerFireHandler({ store, channels, conversations, idle, ...(metrics ? { onFired: metrics.onTimerFired } : {}) })
    }, { metrics, log: app.log, channels }),
    ...(metrics ? { onOutcome: (kind: string, outcome: 'done' | 'retry' | 'dead', ms: number, job: Job) => metrics.onJobOutcome(kind, outcome, ms, tenantOf(job)) } : {}),
    // jobs of no channel (timers) use the top-level cxone block's; a channel's jobs its tenant's
    maxAttempts: c.retries,
    retryBaseMs: c.retryBase,
    retryMaxMs: c.retryMax,
    retryPolicyOf: (job) => policies.get(tenantOf(job) ?? ''),
    leaseMs: delivery.lease,
    concurrency: delivery.concurrency,
    pollMs: delivery.pollInterval,
    // one circuit breaker toward each tenant's CXone and one per platform: while open, jobs wait queued, only probes go out
    upstreamOf: (job) => job.kind.startsWith('dfo.') ? `cxone:${tenantOf(job) ?? 'default'}` : job.kind.startsWith('platform.') ? `platform:${channelIdOf(job)}` : undefined,
    upstreamLimit: (upstream) => upstream.startsWith('cxone:') ? cxoneCap : undefined
  })
  queued.answer(() => worker.kick())
  app.decorate(kWorker, worker)
}, { name: 'byoc-hub-delivery', fastify: '5.x', dependencies: ['byoc-hub-config', 'byoc-hub-store', 'byoc-hub-metrics', 'byoc-hub-cxone', 'byoc-hub-conversations'] })
