import fp from 'fastify-plugin'
import { TimerLoop, idleTimerFiring } from '../conversations/timer-loop.js'
import { ThreadStatusPoller, ThreadStatusPollers } from '../conversations/status-poller.js'
import { tenantsOf } from '../../config/tenants.js'
import { kConfig } from './config.js'
import { kStore } from './store.js'
import { kCxone } from './cxone.js'
import { kConversations } from './conversations.js'
import { kWorker } from './delivery.js'
import { kMetrics } from './metrics.js'

export interface BackgroundLoops {
  readonly timers: TimerLoop
  readonly poller: ThreadStatusPollers
}

export const kBackground = Symbol('byoc-hub.background')
declare module 'fastify' {
  interface FastifyInstance { [kBackground]: BackgroundLoops }
}

export interface BackgroundOptions {
  /** start the loops on ready; tests may drive them by hand */
  start: boolean
  timerIntervalMs?: number | undefined
}

/**
 * The loops that run from ready to close: the outbox worker, the timer loop (fires due timers) and the
 * CXone status poller. Registered last, so on close they stop first (onClose hooks run in reverse order): in-flight
 * jobs finish within server.shutdownGrace while the store, bus and CXone client they use are still open.
 */
export const backgroundStep = fp<BackgroundOptions>(async (app, opts) => {
  const config = app[kConfig]
  const store = app[kStore]
  const worker = app[kWorker]
  const metrics = app[kMetrics]
  const { conversations, channels, idle } = app[kConversations]
  const fire = idleTimerFiring({ store, channels, conversations, idle, ...(metrics ? { onFired: metrics.onTimerFired } : {}) })
  // a claim lasts as long as a job's lease: firing, like a job, is what a crashed instance leaves for another to redo
  const timers = new TimerLoop(store, app.log, fire, { intervalMs: opts.timerIntervalMs, leaseMs: config.delivery.lease })
  // each tenant's CXone is asked about its own channels only, at its own interval
  const poller = new ThreadStatusPollers(tenantsOf(config).map(t => new ThreadStatusPoller(
    store, { all: () => channels.ofTenant(t.id) }, app[kCxone].of(t.id).dfo, conversations, app.log.child({ tenant: t.id }), t.cxone.threadStatusInterval, t.id
  )))
  app.decorate(kBackground, { timers, poller })
  app.addHook('onReady', async () => {
    if (!opts.start) return
    worker.start()
    timers.start()
    poller.start()
  })
  app.addHook('onClose', async () => {
    // timers first: a firing in flight finishes and enqueues its jobs, which the worker may still deliver
    await timers.stop()
    await worker.stop(config.server.shutdownGrace)
    await poller.stop()
  })
}, { name: 'byoc-hub-background', fastify: '5.x', dependencies: ['byoc-hub-config', 'byoc-hub-store', 'byoc-hub-metrics', 'byoc-hub-cxone', 'byoc-hub-conversations', 'byoc-hub-delivery'] })
