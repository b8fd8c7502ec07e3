import fp from 'fastify-plugin'
import { kConfig } from './config.js'
import { kStore } from './store.js'
import { kAddresses } from './addresses.js'
import { kInProcess } from './cxone.js'
import { IN_PROCESS_ORIGIN } from '../cxone/inject-dispatcher.js'
import { sandboxTenant } from '../../config/tenants.js'

/** sandbox mode: the CXone emulator and its agent console at /sandbox, on the hub's own listener; the hub reaches it in process. */
export const sandboxStep = fp(async (app) => {
  const config = app[kConfig]
  // the emulator plays one tenant's CXone (config/load.ts allows one tenant in sandbox mode)
  const tenant = sandboxTenant(config)
  if (!tenant) return
  const { sandboxPlugin } = await import('../sandbox/index.js')
  const { selfUrl } = app[kAddresses]
  const inProcess = app[kInProcess]
  const basePath = config.server.basePath
  await app.register(sandboxPlugin, {
    prefix: '/sandbox',
    store: app[kStore],
    hub: {
      boxUrl: () => `${IN_PROCESS_ORIGIN}${basePath}`,
      tokenUrl: () => `${IN_PROCESS_ORIGIN}${basePath}/1.0/token`,
      ...(inProcess ? { dispatcher: inProcess } : {}),
      clientId: config.sandbox.clientId,
      clientSecret: config.sandbox.clientSecret ?? tenant.clients.find(c => c.clientId === config.sandbox.clientId)?.clientSecret ?? '',
      actionUrls: () => ({ add: `${selfUrl()}${basePath}/actions/add`, reconnect: `${selfUrl()}${basePath}/actions/reconnect`, remove: `${selfUrl()}${basePath}/actions/remove` })
    },
    accessKeyId: config.sandbox.accessKeyId,
    accessKeySecret: config.sandbox.accessKeySecret ?? '',
    consoleToken: config.sandbox.consoleToken ?? '',
    tokenTtlMs: config.sandbox.tokenTtl,
    attachmentUrlTtlMs: config.sandbox.attachmentUrlTtl,
    brandId: config.sandbox.brandId,
    channels: tenant.channels.filter(c => c.enabled).map(c => ({ id: c.cxoneChannelId, name: c.name ?? c.id })),
    faults: {
      latencyMs: config.sandbox.faults.latency, errorRate: config.sandbox.faults.errorRate,
      rateLimitRate: config.sandbox.faults.rateLimitRate, retryAfterMs: config.sandbox.faults.retryAfter
    }
  })
}, { name: 'byoc-hub-sandbox', fastify: '5.x', dependencies: ['byoc-hub-config', 'byoc-hub-store', 'byoc-hub-addresses', 'byoc-hub-cxone'] })
