import fp from 'fastify-plugin'
import { buildCxone } from '../cxone/wiring.js'
import { cxoneTenants, type CxoneTenants } from '../cxone/tenant-wirings.js'
import { sandboxTenant, tenantsOf } from '../../config/tenants.js'
import { IN_PROCESS_ORIGIN, InjectDispatcher } from '../cxone/inject-dispatcher.js'
import { withRequestIds } from '../infra/observability-trace.js'
import { kConfig } from './config.js'
import { kStore } from './store.js'
import { kAddresses } from './addresses.js'
import { kMetrics } from './metrics.js'

export const kCxone = Symbol('byoc-hub.cxone')
/** sandbox mode: how the hub and the emulator it mounts call each other, in process */
export const kInProcess = Symbol('byoc-hub.in-process')
declare module 'fastify' {
  interface FastifyInstance { [kCxone]: CxoneTenants, [kInProcess]: InjectDispatcher | undefined }
}

/**
 * The way to CXone of each tenant (DFO client, tokens, endpoints, its own timeout and retries), calls tagged with the
 * request id that caused them: one tenant's token, timeouts and failures never touch another's.
 */
export const cxoneStep = fp(async (app) => {
  const config = app[kConfig]
  const { localUrl } = app[kAddresses]
  // sandbox mode: the hub and the emulator it mounts call each other in process (inject), at an origin that never
  // resolves; they present the hub's own address as Host, so the links the sandbox builds open in a browser
  const inProcess = sandboxTenant(config) ? new InjectDispatcher((o) => app.inject(o), { host: () => new URL(localUrl()).host }) : undefined
  const cxone = cxoneTenants(tenantsOf(config).map(t => {
    const log = app.log.child({ tenant: t.id })
    if (t.cxone.mode === 'live' && !t.cxone.channelIntegrationId) {
      log.warn('cxone.channelIntegrationId is not set: messages flow, but the Add action and `byoc-hub channels create` refuse to create channels')
    }
    return {
      tenant: t.id,
      wiring: withRequestIds(buildCxone(config, {
        tenant: t.id, store: app[kStore], log, hooks: app[kMetrics]?.cxoneHooksFor(t.id),
        ...(inProcess && t.cxone.mode === 'sandbox' ? { sandbox: { url: `${IN_PROCESS_ORIGIN}/sandbox`, dispatcher: inProcess } } : {})
      }))
    }
  }))
  app.decorate(kCxone, cxone)
  app.decorate(kInProcess, inProcess)
  app.addHook('onClose', async () => { await cxone.close() })
}, { name: 'byoc-hub-cxone', fastify: '5.x', dependencies: ['byoc-hub-config', 'byoc-hub-store', 'byoc-hub-addresses', 'byoc-hub-metrics'] })
