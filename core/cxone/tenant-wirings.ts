import type { CxoneWiring } from './wiring.js'

/** Each tenant's own way to CXone: token, DFO client, endpoints, timeout and retries (config/tenants.ts). */
export interface CxoneTenants {
  /** the tenant's wiring; an unknown tenant is a programming error (channels carry their tenant from the config) */
  of (tenant: string): CxoneWiring
  forChannel (channel: { readonly tenant: string }): CxoneWiring
  all (): ReadonlyArray<{ readonly tenant: string, readonly wiring: CxoneWiring }>
  close (): Promise<void>
}

export function cxoneTenants (wirings: ReadonlyArray<{ readonly tenant: string, readonly wiring: CxoneWiring }>): CxoneTenants {
  const byId = new Map(wirings.map(w => [w.tenant, w.wiring]))
  const of = (tenant: string): CxoneWiring => {
    const w = byId.get(tenant)
    if (!w) throw new Error(`no CXone wiring for tenant '${tenant}'`)
    return w
  }
  return {
    of,
    forChannel: (channel) => of(channel.tenant),
    all: () => wirings,
    close: async () => { await Promise.all(wirings.map(w => w.wiring.close())) }
  }
}
