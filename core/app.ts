import Fastify, { type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import formbody from '@fastify/formbody'
import rateLimit from '@fastify/rate-limit'
import websocket from '@fastify/websocket'
import { stuckConnectionGuard } from './infra/close-stuck-connections.js'
import { randomUUID } from 'node:crypto'
import type { ByocConfig } from '../config/schema.js'
import { parseDuration } from '../config/duration.js'
import { fastifyTrustProxy } from '../config/trust-proxy.js'
import type { Store } from './store/types.js'
import { openStore } from './store/index.js'
import type { ConnectionLog, RedisStore } from './store/redis.js'
import { LocalEventBus, type EventBus } from './live/event-bus.js'
import { KeyRing } from './auth/key-ring.js'
import { bearerAuth } from './auth/bearer.js'
import { ClientRoster } from './auth/token-generation.js'
import { localAuthFailures, redisAuthFailures } from './auth/auth-failures.js'
import { tokenRoute } from './byoc-routes/token.js'
import { cxoneRoutes } from './byoc-routes/index.js'
import { actionRoutes } from './byoc-routes/actions.js'
import { errorHandler } from './infra/error-handler.js'
import { securityHeaders } from './infra/security-headers.js'
import { strictJson } from './infra/strict-json.js'
import { pressureGuard } from './infra/pressure-guard.js'
import { loggerOptions } from './infra/logger.js'
import { openApi } from './infra/openapi.js'
import { healthRoutes, type Readiness } from './infra/health.js'
import { buildCxone } from './cxone/wiring.js'
import { IN_PROCESS_ORIGIN, InjectDispatcher } from './cxone/inject-dispatcher.js'
import { createHubMetrics, observability, observedJobHandlers } from './infra/observability.js'
import { tagJobsWithRequestId, withRequestIds } from './infra/observability-trace.js'
import { ChannelRegistry } from './channels/runtime.js'
import { registerChannels } from './channels/register.js'
import { ConversationService } from './conversations/service.js'
import { IdleRule } from './conversations/idle-rule.js'
import { PresenceBook } from './conversations/presence.js'
import { TimerLoop, timerFireHandler } from './conversations/timer-loop.js'
import { ThreadStatusPoller } from './conversations/status-poller.js'
import { createJobHandlers } from './conversations/job-handlers.js'
import { OutboxWorker } from './delivery/outbox-worker.js'
import { kHub } from './symbols.js'
import { AttachmentKeeper } from './attachments/keeper.js'
import { attachmentRoutes } from './attachments/routes.js'

export interface BuildOptions {
  /** directory relative plugin paths resolve against (the config file's folder) */
  baseDir: string
  /** an already-open store (tests, several apps on one store); otherwise opened from config */
  store?: Store
  bus?: EventBus
  /** start background loops (worker, timers, poller) on ready; tests may drive them by hand */
  background?: boolean
  timerIntervalMs?: number
}

export interface HubInternals {
  store: Store
  bus: EventBus
  channels: ChannelRegistry
  conversations: ConversationService
  worker: OutboxWorker
  timers: TimerLoop
  poller: ThreadStatusPoller
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

const ms = (v: string | number): number => parseDuration(v) ?? 0

/** Builds the hub: a plugin host that never listens by itself (server.ts does). */
export async function buildApp (config: ByocConfig, opts: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config.log.level, config.log.redactMessageText),
    bodyLimit: config.server.bodyLimit,
    trustProxy: fastifyTrustProxy(config.server.trustProxy),
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID()
    },
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    // slowloris: a client has 10 s to send its headers, checked every 2 s (Node's defaults are 60 s and 30 s)
    http: { headersTimeout: 10_000, connectionsCheckingInterval: 2_000 },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    routerOptions: { maxParamLength: 300 }
  }).withTypeProvider<TypeBoxTypeProvider>()

  const store = opts.store ?? await openStore(config.store)
  const ownsStore = !opts.store
  // sandbox mode: secrets the config leaves out are generated once and kept in the store (none ship in the repository)
  if (config.cxone.mode === 'sandbox') config = await (await import('./sandbox/sandbox-secrets.js')).withKeptSecrets(config, store, opts.baseDir)
  const redisStore = store.driver === 'redis' ? store as RedisStore : undefined
  redisStore?.setConnectionLog(app.log)
  const bus = opts.bus ?? await openBus(config, app.log)
  const basePath = config.server.basePath
  const listeningPort = (): number => {
    const addr = app.server.address()
    return addr && typeof addr === 'object' ? addr.port : config.server.port
  }
  const selfUrl = (): string => {
    if (config.server.publicUrl) return config.server.publicUrl.replace(/\/$/, '')
    // listening on every interface: 'localhost' is what a person types; otherwise the exact address
    const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? 'localhost' : '127.0.0.1'
    return `http://${host}:${listeningPort()}`
  }
  /** the hub's own address on loopback, whatever publicUrl says: the Host the sandbox builds its links from */
  const localUrl = (): string => `http://127.0.0.1:${listeningPort()}`
  // sandbox mode: the hub and the emulator it mounts call each other in process (inject), at an origin that never
  // resolves; they present the hub's own address as Host, so the links the sandbox builds open in a browser
  const inProcess = config.cxone.mode === 'sandbox' ? new InjectDispatcher((o) => app.inject(o), { host: () => new URL(localUrl()).host }) : undefined

  await app.register(errorHandler)
  await app.register(securityHeaders)
  strictJson(app)
  pressureGuard(app)
  await app.register(openApi, { config })
  // WebSocket support at the root, once: its hooks then cover every route, so an upgrade request answered with a
  // plain 404 (no websocket route there) still has its socket destroyed, and channels share one upgrade listener.
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } })
  const stuck = stuckConnectionGuard(app)
  app.addHook('preClose', async () => { stuck.arm(ms(config.server.shutdownGrace)) })
  await app.register(rateLimit, {
    global: true,
    max: config.server.rateLimit.max,
    timeWindow: ms(config.server.rateLimit.window),
    hook: 'preHandler', // after authentication, so verified clients are limited per client id, others per IP
    keyGenerator: (request) => (request.user as { sub?: string } | null)?.sub ? `client:${(request.user as { sub: string }).sub}` : `ip:${request.ip}`,
    // several instances count together. Redis down is a per-route choice (S-16, docs/security.md): by default the
    // limiter lets a request through, since every route that needs Redis answers 503 by itself (channel ingress cannot
    // store, so it never acks what it could not keep); the token route, which needs no Redis to sign, fails closed
    // (core/byoc-routes/token.ts)
    ...(redisStore ? { redis: redisStore.redis, nameSpace: `${redisStore.keyspace}rl:`, skipOnError: true } : {})
  })

  const metrics = createHubMetrics(config)
  const keys = new KeyRing(store, config.auth.signingKeys)
  await keys.init()
  // every client has a secret here (live mode requires one, sandbox mode generated the missing ones above)
  const clientsWithSecrets = config.auth.clients.filter((c): c is typeof c & { clientSecret: string } => c.clientSecret !== undefined)
  const failureLimit = { max: config.server.rateLimit.authFailures, windowMs: ms(config.server.rateLimit.window), log: app.log }
  const authFailures = redisStore ? redisAuthFailures(redisStore.redis, redisStore.keyspace, failureLimit) : localAuthFailures(failureLimit)
  await app.register(bearerAuth, {
    keys, issuer: config.auth.issuer, audience: config.auth.audience, clockToleranceMs: ms(config.auth.clockTolerance),
    clients: new ClientRoster(clientsWithSecrets), failures: authFailures, onRejected: metrics?.onBearerRejected
  })

  const cxone = withRequestIds(buildCxone(config, { store, log: app.log, hooks: metrics?.cxoneHooks, ...(inProcess ? { sandbox: { url: `${IN_PROCESS_ORIGIN}/sandbox`, dispatcher: inProcess } } : {}) }))
  if (config.cxone.mode === 'live' && !config.cxone.channelIntegrationId) {
    app.log.warn('cxone.channelIntegrationId is not set: messages flow, but the Add action and `byoc-hub channels create` refuse to create channels')
  }
  const channels = new ChannelRegistry()
  const keeper = new AttachmentKeeper({
    store, selfUrl, cxoneBase: async () => inProcess ? `${localUrl()}/sandbox` : (await cxone.endpoints.get()).apiBaseUrl,
    maxBytes: config.cxone.attachmentCopyMaxBytes, timeoutMs: ms(config.cxone.timeout), log: app.log
  })
  const presence = new PresenceBook(store)
  const idle = new IdleRule(store, presence)
  const worker: { current?: OutboxWorker } = {}
  const conversations = new ConversationService({
    store: tagJobsWithRequestId(store), bus, idle, presence, log: app.log, attachments: keeper,
    kick: () => worker.current?.kick(),
    sendTyping: (channel, threadId, on) => {
      cxone.dfo.senderAction(channel.cxoneChannelId, threadId, on ? 'isTypingOn' : 'isTypingOff', { attempts: 1 })
        .catch(err => app.log.debug({ err }, 'customer typing not relayed'))
    }
  })
  idle.bind({
    signal: (channel, s) => conversations.signal(channel, s, true),
    recordWarning: (channel, thread, line) => conversations.recordIdleWarning(channel, thread, line)
  })
  worker.current = new OutboxWorker({
    store, log: app.log,
    handlers: observedJobHandlers({
      ...createJobHandlers({ store, channels, dfo: cxone.dfo, conversations, attachments: keeper }),
      'timer.fire': timerFireHandler({ store, channels, conversations, idle, ...(metrics ? { onFired: metrics.onTimerFired } : {}) })
    }, { metrics, log: app.log, channels }),
    onOutcome: metrics?.onJobOutcome,
    maxAttempts: config.cxone.retries,
    retryBaseMs: ms(config.cxone.retryBase),
    retryMaxMs: ms(config.cxone.retryMax),
    leaseMs: ms(config.delivery.lease),
    concurrency: config.delivery.concurrency,
    pollMs: ms(config.delivery.pollInterval),
    // one circuit breaker toward CXone and one per platform: while open, jobs wait queued and only probes go out
    upstreamOf: (job) => job.kind.startsWith('dfo.') ? 'cxone' : job.kind.startsWith('platform.') ? `platform:${(job.payload as { channelId?: string }).channelId}` : undefined
  })
  const timers = new TimerLoop(store, app.log, () => worker.current?.kick(), opts.timerIntervalMs)
  const poller = new ThreadStatusPoller(store, channels, cxone.dfo, conversations, app.log, ms(config.cxone.threadStatusInterval))
  const readiness: Readiness = { draining: false, store, tokens: cxone.tokens }

  app.decorate(kHub, { store, bus, channels, conversations, worker: worker.current, timers, poller, readiness, selfUrl, ...(config.sandbox.consoleToken ? { consoleToken: config.sandbox.consoleToken } : {}) })

  await app.register(healthRoutes, { readiness })
  await observability(app, { config, metrics, store, bus, channels, readiness, setMetricsUrl: (url) => { app[kHub].metricsUrl = url } })
  await app.register(async (scope) => {
    // form bodies only where OAuth and the action pages need them
    await scope.register(formbody, { bodyLimit: config.server.bodyLimit })
    await tokenRoute(scope, {
      clients: clientsWithSecrets, keys, ttlSeconds: Math.round(ms(config.auth.tokenTtl) / 1000),
      issuer: config.auth.issuer, audience: config.auth.audience, failures: authFailures, onIssued: metrics?.onTokenRequest
    })
    await scope.register(async (bearerScope) => cxoneRoutes(bearerScope, {
      channels, conversations, store, publicUrl: selfUrl,
      clientChannels: new Map(config.auth.clients.filter(c => c.channels).map(c => [c.clientId, new Set(c.channels)]))
    }))
    await scope.register(actionRoutes, { config, channels, dfo: cxone.dfo, store, selfUrl, endpoints: async () => await cxone.endpoints.get() })
  }, { prefix: basePath })

  await app.register(attachmentRoutes, { keeper, timeoutMs: ms(config.cxone.timeout) })
  await registerChannels(app, config, { baseDir: opts.baseDir, registry: channels, store, bus, dfo: cxone.dfo, conversations })

  if (config.cxone.mode === 'sandbox') {
    const { sandboxPlugin } = await import('./sandbox/index.js')
    await app.register(sandboxPlugin, {
      prefix: '/sandbox',
      store,
      hub: {
        boxUrl: () => `${IN_PROCESS_ORIGIN}${basePath}`,
        tokenUrl: () => `${IN_PROCESS_ORIGIN}${basePath}/1.0/token`,
        ...(inProcess ? { dispatcher: inProcess } : {}),
        clientId: config.sandbox.clientId,
        clientSecret: config.sandbox.clientSecret ?? config.auth.clients.find(c => c.clientId === config.sandbox.clientId)?.clientSecret ?? '',
        actionUrls: () => ({ add: `${selfUrl()}${basePath}/actions/add`, reconnect: `${selfUrl()}${basePath}/actions/reconnect`, remove: `${selfUrl()}${basePath}/actions/remove` })
      },
      accessKeyId: config.sandbox.accessKeyId,
      accessKeySecret: config.sandbox.accessKeySecret ?? '',
      consoleToken: config.sandbox.consoleToken ?? '',
      tokenTtlMs: ms(config.sandbox.tokenTtl),
      attachmentUrlTtlMs: ms(config.sandbox.attachmentUrlTtl),
      brandId: config.sandbox.brandId,
      channels: config.channels.filter(c => c.enabled).map(c => ({ id: c.cxoneChannelId, name: c.name ?? c.id })),
      faults: {
        latencyMs: ms(config.sandbox.faults.latency), errorRate: config.sandbox.faults.errorRate,
        rateLimitRate: config.sandbox.faults.rateLimitRate, retryAfterMs: ms(config.sandbox.faults.retryAfter)
      }
    })
  }

  app.addHook('onReady', async () => {
    if (opts.background === false) return
    worker.current!.start()
    timers.start()
    poller.start()
  })
  // drain order: stop taking work, finish in-flight jobs, then close what they use
  app.addHook('preClose', async () => { readiness.draining = true })
  app.addHook('onClose', async () => {
    stuck.disarm()
    await worker.current!.stop(ms(config.server.shutdownGrace))
    await timers.stop()
    await poller.stop()
    for (const channel of channels.all()) await channel.registration?.close?.()
    await cxone.close()
    if (!opts.bus) await bus.close()
    if (ownsStore) await store.close()
  })
  return app
}

async function openBus (config: ByocConfig, log: ConnectionLog): Promise<EventBus> {
  if (config.store.driver === 'redis') {
    const [{ RedisEventBus }, { redisTopology }] = await Promise.all([import('./live/redis-bus.js'), import('./store/redis-connect.js')])
    return RedisEventBus.connect(redisTopology(config.store), config.store.keyPrefix, log)
  }
  return new LocalEventBus()
}
