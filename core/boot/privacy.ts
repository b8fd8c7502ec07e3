import fp from 'fastify-plugin'
import { adminRoutes } from '../admin/routes.js'
import { PrivacyMetrics } from '../privacy/metrics.js'
import { RetentionLoop } from '../privacy/retention-loop.js'
import { kConfig } from './config.js'
import { kStore } from './store.js'
import { kMetrics } from './metrics.js'
import { allChannels } from '../../config/tenants.js'

export const kRetention = Symbol('byoc-hub.retention')
declare module 'fastify' {
  interface FastifyInstance { [kRetention]: RetentionLoop | undefined }
}

/**
 * Privacy: the retention job (privacy.retention; off when unset) and the admin API (admin.token; off when unset).
 * The loop starts on ready when the background loops do, and stops on close before the store closes.
 */
export const privacyStep = fp<{ start: boolean }>(async (app, opts) => {
  const config = app[kConfig]
  const store = app[kStore]
  const registry = app[kMetrics]?.registry
  const metrics = registry ? new PrivacyMetrics(registry) : undefined
  const channels = allChannels(config).map(c => ({ id: c.id, name: c.name, cxoneChannelId: c.cxoneChannelId, tenant: c.tenant }))

  const retention = config.privacy.retention === undefined
    ? undefined
    : new RetentionLoop(store, { retentionMs: config.privacy.retention, intervalMs: config.privacy.retentionInterval, channels, log: app.log, metrics })
  app.decorate(kRetention, retention)
  if (retention) {
    app.addHook('onReady', async () => { if (opts.start) retention.start() })
    app.addHook('onClose', async () => { await retention.stop() })
  }

  const token = config.admin.token
  if (token !== undefined) await app.register(adminRoutes, { token, store, channels: () => channels, metrics })
}, { name: 'byoc-hub-privacy', fastify: '5.x', dependencies: ['byoc-hub-config', 'byoc-hub-store', 'byoc-hub-metrics'] })
