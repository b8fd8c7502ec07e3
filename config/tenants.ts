import type { AuthClientConfig, ByocConfig, ChannelConfig } from './schema.js'

/** The tenant the top-level cxone, auth.clients and channels form. */
export const DEFAULT_TENANT = 'default'

/** One CXone integration as the code sees it, whichever way the config wrote it. */
export interface Tenant {
  readonly id: string
  /** its index in tenants[]; undefined for the tenant `default` (the top level) */
  readonly index?: number | undefined
  readonly name?: string | undefined
  readonly cxone: ByocConfig['cxone']
  readonly clients: ReadonlyArray<AuthClientConfig>
  readonly channels: ReadonlyArray<ChannelConfig>
}

const memo = new WeakMap<ByocConfig, ReadonlyArray<Tenant>>()

/**
 * Every tenant of the config: the top-level cxone + auth.clients + channels as `default` (always when tenants[] is
 * absent; alongside tenants[] only when it has clients or channels), then tenants[] in order. Every consumer of a
 * per-tenant setting reads it here, so no code reads the top-level blocks for one tenant and misses the others.
 */
export function tenantsOf (config: ByocConfig): ReadonlyArray<Tenant> {
  let out = memo.get(config)
  if (out) return out
  const own = config.tenants ?? []
  const top: Tenant = { id: DEFAULT_TENANT, cxone: config.cxone, clients: config.auth.clients, channels: config.channels }
  const withTop = own.length === 0 || config.auth.clients.length > 0 || config.channels.length > 0
  out = [...(withTop ? [top] : []), ...own.map((t, index) => ({ id: t.id, index, name: t.name, cxone: t.cxone, clients: t.auth.clients, channels: t.channels }))]
  memo.set(config, out)
  return out
}

/** Where a tenant's channel is written, for error paths (core/channels/loader.ts ChannelAt). */
export function channelAt (tenant: Tenant, channel: number): number | { tenant: number, channel: number } {
  return tenant.index === undefined ? channel : { tenant: tenant.index, channel }
}

/** The tenant a configured channel belongs to (channel ids are unique across tenants: config/load.ts checks). */
export function tenantOfChannel (config: ByocConfig, channelId: string): Tenant | undefined {
  return tenantsOf(config).find(t => t.channels.some(c => c.id === channelId))
}

/** Every configured channel with its tenant's id, in config order. */
export function allChannels (config: ByocConfig): Array<ChannelConfig & { readonly tenant: string }> {
  return tenantsOf(config).flatMap(t => t.channels.map(c => ({ ...c, tenant: t.id })))
}

/** Every client with its tenant's id (client ids are unique across tenants: the token endpoint finds the tenant by them). */
export function allClients (config: ByocConfig): Array<AuthClientConfig & { readonly tenant: string }> {
  return tenantsOf(config).flatMap(t => t.clients.map(c => ({ ...c, tenant: t.id })))
}

/** The one tenant the in-process emulator plays (cxone.mode sandbox), if any: config/load.ts allows at most one. */
export function sandboxTenant (config: ByocConfig): Tenant | undefined {
  return tenantsOf(config).find(t => t.cxone.mode === 'sandbox')
}

/**
 * A copy of the config with each tenant's clients and channels replaced (sandbox mode fills in kept secrets), written
 * back where the config had them: the top level for `default`, tenants[] for the others.
 */
export function mapTenants (config: ByocConfig, f: (t: Tenant) => { clients: AuthClientConfig[], channels: ChannelConfig[] }): ByocConfig {
  const tenants = tenantsOf(config)
  const top = tenants.find(t => t.id === DEFAULT_TENANT && t.cxone === config.cxone)
  const topNew = top ? f(top) : undefined
  return {
    ...config,
    ...(topNew ? { auth: { ...config.auth, clients: topNew.clients }, channels: topNew.channels } : {}),
    ...(config.tenants
      ? {
          tenants: config.tenants.map(t => {
            const mapped = f(tenants.find(x => x.id === t.id && x.cxone === t.cxone)!)
            return { ...t, auth: { ...t.auth, clients: mapped.clients }, channels: mapped.channels }
          })
        }
      : {})
  }
}
