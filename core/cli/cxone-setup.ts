import { loadConfigFile } from '../../config/load.js'
import type { ByocConfig } from '../../config/schema.js'
import { discoverTenant } from '../cxone/discovery.js'

/** Exactly what the CXone administrator types into ACD > Digital > Bring Your Own Channel, then where CXone is. */
export async function cxoneSetup (path: string): Promise<number> {
  const { config } = loadConfigFile(path)
  const base = (config.server.publicUrl ?? `http://localhost:${config.server.port}`).replace(/\/$/, '')
  const box = `${base}${config.server.basePath}`
  const lines: Array<[string, string]> = [
    ['Integration Box URL', box],
    ['Authorization URL', `${box}/1.0/token`],
    ['Action URL (Add)', `${box}/actions/add`],
    ['Reconnect URL', `${box}/actions/reconnect`],
    ['Remove URL', `${box}/actions/remove`],
    ...config.auth.clients.map((c, i): [string, string] => [config.auth.clients.length > 1 ? `Client ID (#${i + 1})` : 'Client ID', c.clientId]),
    ['Client Secret', config.auth.clients.every(c => c.clientSecret)
      ? 'the auth.clients[].clientSecret of your config (not printed)'
      : 'generated on the hub\'s first start and kept in its store (sandbox mode: the sandbox presents it itself; set auth.clients[].clientSecret to choose one)'],
    ['Use DFO 3.0 Outbound API for replies', 'enabled (the hub also serves the legacy /1.0/posts/{id}/messages reply)']
  ]
  console.log('Paste into CXone: ACD > Digital > Bring Your Own Channel > Add\n')
  printTable(lines)
  console.log(`Channels this hub serves (cxoneChannelId): ${config.channels.map(c => `${c.cxoneChannelId} (${c.id})`).join(', ') || 'none'}`)
  if (!config.server.publicUrl) console.log('\nNote: server.publicUrl is not set; set it to the HTTPS address CXone reaches the hub at.')
  return config.cxone.mode === 'live' ? await printCxone(config) : 0
}

/** Live mode: the endpoints the hub will use, found by region discovery when cxone.tenantId is set. */
async function printCxone (config: ByocConfig): Promise<number> {
  const c = config.cxone
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
