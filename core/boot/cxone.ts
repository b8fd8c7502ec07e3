import fp from 'fastify-plugin'
import { buildCxone, type CxoneWiring } from '../cxone/wiring.js'
import { withRequestIds } from '../infra/observability-trace.js'
import { kConfig } from './config.js'
import { kStore } from './store.js'
import { kAddresses } from './addresses.js'
import { kMetrics } from './metrics.js'

export const kCxone = Symbol('byoc-hub.cxone')
declare module 'fastify' {
  interface FastifyInstance { [kCxone]: CxoneWiring }
}

/** The way to CXone (DFO client, tokens, endpoints), its calls tagged with the request id that caused them. */
export const cxoneStep = fp(async (app) => {
  const config = app[kConfig]
  const cxone = withRequestIds(buildCxone(config, { store: app[kStore], log: app.log, localUrl: app[kAddresses].localUrl, hooks: app[kMetrics]?.cxoneHooks }))
  if (config.cxone.mode === 'live' && !config.cxone.channelIntegrationId) {
    app.log.warn('cxone.channelIntegrationId is not set: messages flow, but the Add action and `byoc-hub channels create` refuse to create channels')
  }
  app.decorate(kCxone, cxone)
  app.addHook('onClose', async () => { await cxone.close() })
}, { name: 'byoc-hub-cxone', fastify: '5.x', dependencies: ['byoc-hub-config', 'byoc-hub-store', 'byoc-hub-addresses', 'byoc-hub-metrics'] })
