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

export const kWorker = Symbol('byoc-hub.worker')
declare module 'fastify' {
  interface FastifyInstance { [kWorker]: OutboxWorker }
}

/** The outbox worker: runs the conversation core's jobs toward CXone and the platforms, retried, in order. */
export const deliveryStep = fp(async (app) => {
  const { cxone: c, delivery } = app[kConfig]
  const store = app[kStore]
  const metrics = app[kMetrics]
  const { conversations, channels, idle, keeper, queued } = app[kConversations]
  const worker = new OutboxWorker({
    store, log: app.log,
    handlers: observedJobHandlers({
      ...createJobHandlers({ store, channels, dfo: app[kCxone].dfo, conversations, attachments: keeper }),
      'timer.fire': timerFireHandler({ store, channels, conversations, idle, ...(metrics ? { onFired: metrics.onTimerFired } : {}) })
    }, { metrics, log: app.log, channels }),
    onOutcome: metrics?.onJobOutcome,
    maxAttempts: c.retries,
    retryBaseMs: c.retryBase,
    retryMaxMs: c.retryMax,
    leaseMs: delivery.lease,
    concurrency: delivery.concurrency,
    pollMs: delivery.pollInterval,
    // one circuit breaker toward CXone and one per platform: while open, jobs wait queued and only probes go out
    upstreamOf: (job) => job.kind.startsWith('dfo.') ? 'cxone' : job.kind.startsWith('platform.') ? `platform:${(job.payload as { channelId?: string }).channelId}` : undefined
  })
  queued.answer(() => worker.kick())
  app.decorate(kWorker, worker)
}, { name: 'byoc-hub-delivery', fastify: '5.x', dependencies: ['byoc-hub-config', 'byoc-hub-store', 'byoc-hub-metrics', 'byoc-hub-cxone', 'byoc-hub-conversations'] })
