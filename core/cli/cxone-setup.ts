import { loadConfigFile } from '../../config/load.js'
import type { ByocConfig } from '../../config/schema.js'
import { discoverTenant } from '../cxone/discovery.js'
import { tenantsOf } from '../../config/tenants.js'

/**
 * Exactly what the CXone administrator types into ACD > Digital > Bring Your Own Channel, then where CXone is: once
 * per tenant (config/tenants.ts), each under a heading with its id; a single tenant prints as it always did.
 */
export async function cxoneSetup (path: string): Promise<number> {
  const { config } = loadConfigFile(path)
  const base = (config.server.publicUrl ?? `http://localhost:${config.server.port}`).replace(/\/$/, '')
  const box = `${base}${config.server.basePath}`
  const tenants = tenantsOf(config)
  let code = 0
  for (const tenant of tenants) {
    const several = tenants.length > 1
    if (several) console.log(`=== Tenant ${tenant.id}${tenant.name ? ` (${tenant.name})` : ''} ===\n`)
    // the action pages find the tenant by ?tenant= (core/byoc-routes/actions.ts); one tenant needs none
    const q = several ? `?tenant=${encodeURIComponent(tenant.id)}` : ''
    const clients = tenant.clients
    const lines: Array<[string, string]> = [
      ['Integration Box URL', box],
      ['Authorization URL', `${box}/1.0/token`],
      ['Action URL (Add)', `${box}/actions/add${q}`],
      ['Reconnect URL', `${box}/actions/reconnect${q}`],
      ['Remove URL', `${box}/actions/remove${q}`],
      ...clients.map((c, i): [string, string] => [clients.length > 1 ? `Client ID (#${i + 1})` : 'Client ID', c.clientId]),
      ['Client Secret', clients.every(c => c.clientSecret)
        ? `the ${several && tenant.id !== 'default' ? `tenants[${tenant.id}].` : ''}auth.clients[].clientSecret of your config (not printed)`
        : 'generated on the hub\'s first start and kept in its store (sandbox mode: the sandbox presents it itself; set auth.clients[].clientSecret to choose one)'],
      ['Use DFO 3.0 Outbound API for replies', 'enabled (the hub also serves the legacy /1.0/posts/{id}/messages reply)']
    ]
    console.log('Paste into CXone: ACD > Digital > Bring Your Own Channel > Add\n')
    printTable(lines)
    console.log(`Channels this hub serves (cxoneChannelId): ${tenant.channels.map(c => `${c.cxoneChannelId} (${c.id})`).join(', ') || 'none'}`)
    if (tenant.cxone.mode === 'live' && await printCxone(tenant.cxone) !== 0) code = 1
    if (several) console.log('')
  }
  if (!config.server.publicUrl) console.log('\nNote: server.publicUrl is not set; set it to the HTTPS address CXone reaches the hub at.')
  return code
}

/** Live mode: the endpoints the hub will use for one tenant, found by region discovery when cxone.tenantId is set. */
async function printCxone (c: ByocConfig['cxone']): Promise<number> {
  console.log('\nCXone tenant (live mode)')
  let code = 0
  if (c.tenantId && (!c.authUrl || !c.apiBaseUrl)) {
    try {
      const t = await discoverTenant({ discoveryUrl: c.discoveryUrl, tenantId: c.tenantId, timeoutMs: c.timeout })
      printTable([
        ['Tenant ID', t.tenantId],
        ['Discovered at', t.issuer],
        ['Area / domain', `${t.area ?? '?'} / ${t.domain ?? '?'}`],
        ['Token URL', c.authUrl ? `${c.authUrl} (configured; discovered ${t.authUrl})` : t.authUrl],
        ['DFO base', c.apiBaseUrl ? `${c.apiBaseUrl} (configured; discovered ${t.apiBaseUrl})` : `${t.apiBaseUrl} (+ /dfo/3.0)`],
        ...(t.apiEndpoint ? [['ACD API (not used by the hub)', t.apiEndpoint] as [string, string]] : [])
      ])
    } catch (err) {
      console.error(`Region discovery for tenant ${c.tenantId} at ${c.discoveryUrl} failed: ${(err as Error).message}`)
      code = 1
    }
  } else {
    printTable([['Token URL', `${c.authUrl} (configured)`], ['DFO base', `${c.apiBaseUrl} (configured, + /dfo/3.0)`]])
  }
  if (c.channelIntegrationId) console.log(`Channels are created under Integration ID ${c.channelIntegrationId}`)
  else console.log('Warning: cxone.channelIntegrationId is not set; set it to the Integration ID CXone shows after saving, or the Add action and `byoc-hub channels create` refuse.')
  return code
}

function printTable (lines: Array<[string, string]>): void {
  const width = Math.max(...lines.map(([k]) => k.length))
  for (const [k, v] of lines) console.log(`${k.padEnd(width)}  ${v}`)
  console.log('')
}
