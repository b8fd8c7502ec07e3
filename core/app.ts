import Fastify, { type FastifyHttpOptions, type FastifyInstance } from 'fastify'
import type { Server } from 'node:http'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { randomUUID } from 'node:crypto'
import type { ByocConfig } from '../config/schema.js'
import { fastifyTrustProxy } from '../config/trust-proxy.js'
import type { Store } from './store/types.js'
import type { EventBus } from './live/event-bus.js'
import { flushLogs, loggerOptions } from './infra/logger.js'
import { HubLogController } from './infra/request-log.js'
import { storeStep } from './boot/store.js'
import { configStep } from './boot/config.js'
import { addressesStep } from './boot/addresses.js'
import { busStep } from './boot/bus.js'
import { requestGuardsStep } from './boot/request-guards.js'
import { metricsStep } from './boot/metrics.js'
import { authStep } from './boot/auth.js'
import { cxoneStep } from './boot/cxone.js'
import { conversationsStep } from './boot/conversations.js'
import { deliveryStep } from './boot/delivery.js'
import { healthStep } from './boot/health.js'
import { observabilityStep } from './boot/observability.js'
import { routesStep } from './boot/routes.js'
import { channelsStep } from './boot/channels.js'
import { sandboxStep } from './boot/sandbox.js'
import { backgroundStep } from './boot/background.js'
import { privacyStep } from './boot/privacy.js'
import { internalsStep } from './boot/internals.js'

export type { HubInternals } from './boot/internals.js'

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

/**
 * Builds the hub: a plugin host that never listens by itself (server.ts does). Each step is a plugin in core/boot/
 * that decorates what later steps read, so the list is also the order of dependencies. onClose hooks run in reverse
 * order of registration, so read backwards it is the drain order: the background loops stop taking work and finish
 * in-flight jobs first, then the channels, the CXone client, the bus and last the store close.
 */
export async function buildApp (config: ByocConfig, opts: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify(serverOptions(config)).withTypeProvider<TypeBoxTypeProvider>()
  // the first onClose hook runs last: whatever the drain logged is written before close resolves
  app.addHook('onClose', async () => { flushLogs() })
  await app.register(storeStep, { config, given: opts.store })
  await app.register(configStep, { config, baseDir: opts.baseDir })
  await app.register(addressesStep)
  await app.register(busStep, { given: opts.bus })
  await app.register(requestGuardsStep)
  await app.register(metricsStep)
  await app.register(authStep)
  await app.register(cxoneStep)
  await app.register(conversationsStep)
  await app.register(deliveryStep)
  await app.register(healthStep)
  await app.register(observabilityStep)
  await app.register(routesStep)
  await app.register(channelsStep, { baseDir: opts.baseDir })
  await app.register(sandboxStep)
  await app.register(privacyStep, { start: opts.background !== false })
  await app.register(backgroundStep, { start: opts.background !== false, timerIntervalMs: opts.timerIntervalMs })
  await app.register(internalsStep)
  return app
}

function serverOptions (config: ByocConfig): FastifyHttpOptions<Server> {
  return {
    logger: loggerOptions(config.log.level, config.log.redactMessageText),
    // per-request lines at debug (core/infra/request-log.ts)
    logController: new HubLogController(),
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
  }
}
