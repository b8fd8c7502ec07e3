import fp from 'fastify-plugin'
import type { ByocConfig } from '../../config/schema.js'
import { kStore } from './store.js'
import { sandboxTenant } from '../../config/tenants.js'

export const kConfig = Symbol('byoc-hub.config')
declare module 'fastify' {
  interface FastifyInstance { [kConfig]: ByocConfig }
}

/**
 * The config every later step reads: as loaded, and with a tenant in sandbox mode with the secrets it leaves out generated once
 * and kept in the store (none ship in the repository), which is why this step comes after the store.
 */
export const configStep = fp<{ config: ByocConfig, baseDir: string }>(async (app, { config, baseDir }) => {
  if (!sandboxTenant(config)) { app.decorate(kConfig, config); return }
  const { withKeptSecrets } = await import('../sandbox/sandbox-secrets.js')
  app.decorate(kConfig, await withKeptSecrets(config, app[kStore], baseDir))
}, { name: 'byoc-hub-config', fastify: '5.x', dependencies: ['byoc-hub-store'] })
