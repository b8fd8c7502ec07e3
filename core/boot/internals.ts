import fp from 'fastify-plugin'
import type { Store } from '../store/types.js'
import type { EventBus } from '../live/event-bus.js'
import type { ChannelRegistry } from '../channels/runtime.js'
import type { ConversationService } from '../conversations/service.js'
import type { OutboxWorker } from '../delivery/outbox-worker.js'
import type { TimerLoop } from '../conversations/timer-loop.js'
import type { ThreadStatusPollers } from '../conversations/status-poller.js'
import type { Readiness } from '../infra/health.js'
import { kHub } from '../symbols.js'
import { kConfig } from './config.js'
import { kStore } from './store.js'
import { kBus } from './bus.js'
import { kAddresses } from './addresses.js'
import { kConversations } from './conversations.js'
import { kWorker } from './delivery.js'
import { kReadiness } from './health.js'
import { kMetricsUrl } from './observability.js'
import { kBackground } from './background.js'

/** What server.ts, createHub, `byoc-hub start` and the tests reach for on a built app. */
export interface HubInternals {
  store: Store
  bus: EventBus
  channels: ChannelRegistry
  conversations: ConversationService
  worker: OutboxWorker
  timers: TimerLoop
  poller: ThreadStatusPollers
  readiness: Readiness
  /** the URL the hub is reachable at (publicUrl, else its own listening address) */
  selfUrl: () => string
  /** where Prometheus scrapes, once metrics are served */
  metricsUrl?: () => string
  /** sandbox mode: the agent console's login token (configured, or generated and kept in the store) */
  consoleToken?: string
}

declare module 'fastify' {
  interface FastifyInstance { [kHub]: HubInternals }
}

/** The built hub's parts in one place, once every step has made its own. */
export const internalsStep = fp(async (app) => {
  const { consoleToken } = app[kConfig].sandbox
  const { conversations, channels } = app[kConversations]
  app.decorate(kHub, {
    store: app[kStore], bus: app[kBus], channels, conversations, worker: app[kWorker], ...app[kBackground],
    readiness: app[kReadiness], selfUrl: app[kAddresses].selfUrl, metricsUrl: app[kMetricsUrl], ...(consoleToken ? { consoleToken } : {})
  })
}, {
  name: 'byoc-hub-internals',
  fastify: '5.x',
  dependencies: ['byoc-hub-config', 'byoc-hub-store', 'byoc-hub-bus', 'byoc-hub-addresses', 'byoc-hub-conversations', 'byoc-hub-delivery', 'byoc-hub-health', 'byoc-hub-observability', 'byoc-hub-background']
})
