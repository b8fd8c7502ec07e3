import type { FastifyInstance } from 'fastify'
import type { ByocConfig, ChannelConfig, ChannelRules } from '../../config/schema.js'
import type { Store } from '../store/types.js'
import type { EventBus } from '../live/event-bus.js'
import type { DfoClient } from '../cxone/dfo-types.js'
import { channelAt, tenantsOf, type Tenant } from '../../config/tenants.js'
import type { ConversationService } from '../conversations/service.js'
import { loadChannelPlugin } from './loader.js'
import { createChannelHost } from './host.js'
import { mountWebhooks } from './webhook-pipeline.js'
import type { ChannelRegistry, ChannelRuntime, ResolvedRules } from './runtime.js'

interface Deps { baseDir: string, registry: ChannelRegistry, store: Store, bus: EventBus, dfoOf: (channel: ChannelRuntime) => DfoClient, conversations: ConversationService }

/** Global rules with the channel's overrides on top (durations are milliseconds already: config/duration.ts). */
export function resolveRules (global: ByocConfig['rules'], own: ChannelRules | undefined): ResolvedRules {
  const idle = { ...global.idle, ...own?.idle }
  return {
    idle: {
      enabled: idle.enabled,
      mode: idle.mode,
      timeoutMs: idle.timeout,
      countdownMs: idle.countdown,
      // only what is configured: unset, each customer gets the catalogue's text in their language (idle-texts.ts)
      ...(idle.warningText !== undefined ? { warningText: idle.warningText } : {}),
      ...(idle.endText !== undefined ? { endText: idle.endText } : {})
    },
    blockAfterAgentClose: own?.blockAfterAgentClose ?? global.blockAfterAgentClose
  }
}

/**
 * config -> import -> validate -> register, each channel in its own encapsulated scope at /channels/<id>, so one
 * channel's hooks and decorators cannot leak into another's.
 */
export async function registerChannels (app: FastifyInstance, config: ByocConfig, d: Deps): Promise<void> {
  for (const tenant of tenantsOf(config)) {
    for (const [index, entry] of tenant.channels.entries()) {
      if (entry.enabled) await registerChannel(app, config, d, tenant, entry, index)
    }
  }
}

async function registerChannel (app: FastifyInstance, config: ByocConfig, d: Deps, tenant: Tenant, entry: ChannelConfig, index: number): Promise<void> {
  const { plugin, config: channelConfig } = await loadChannelPlugin(entry, channelAt(tenant, index), d.baseDir, tenant.cxone.mode === 'live')
  const runtime: ChannelRuntime = {
    id: entry.id,
    tenant: tenant.id,
    cxoneChannelId: entry.cxoneChannelId,
    name: entry.name ?? entry.id,
    plugin,
    capabilities: plugin.capabilities,
    rules: resolveRules(config.rules, entry.rules),
    log: app.log.child({ channel: entry.id, tenant: tenant.id })
  }
  const host = createChannelHost(runtime, channelConfig, { ...d, dfo: d.dfoOf(runtime) })
  runtime.registration = await plugin.register(host)
  d.registry.add(runtime)
  const { routes, webhooks } = runtime.registration
  // each in its own scope: the webhooks' raw-body parser must not reach the plugin's own routes
  if (webhooks && webhooks.length > 0) {
    await app.register(async (scope) => { await mountWebhooks(scope, webhooks, { channelId: entry.id, host, store: d.store }) }, { prefix: `/channels/${entry.id}` })
  }
  if (routes) await app.register(async (scope) => { await routes(scope) }, { prefix: `/channels/${entry.id}` })
}
