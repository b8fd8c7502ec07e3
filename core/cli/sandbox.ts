import { loadConfigFile } from '../../config/load.js'
import { withKeptSecrets } from '../sandbox/sandbox-secrets.js'
import { openStore } from '../store/index.js'
import { SANDBOX_TENANT_ID } from '../sandbox/tokens.js'
import { sandboxTenant, tenantsOf } from '../../config/tenants.js'

/** The CXone emulator alone, for a hub in live mode elsewhere or a community plugin's tests. */
export async function sandbox (configPath: string, port: string | undefined, tenantId?: string): Promise<number> {
  const loaded = loadConfigFile(configPath)
  // which tenant's CXone to play: the one named, else the sandbox tenant, else the first (config/tenants.ts)
  const tenants = tenantsOf(loaded.config)
  const tenant = tenantId !== undefined ? tenants.find(t => t.id === tenantId) : sandboxTenant(loaded.config) ?? tenants[0]
  if (!tenant) { console.error(`No tenant '${tenantId}' in ${configPath} (tenants: ${tenants.map(t => t.id).join(', ')})`); return 1 }
  const { startSandbox } = await import('../sandbox/index.js')
  const store = await openStore(loaded.config.store)
  const config = await withKeptSecrets(loaded.config, store, loaded.baseDir)
  const accessKeySecret = config.sandbox.accessKeySecret!
  const consoleToken = config.sandbox.consoleToken!
  const hubBase = (process.env.BYOC_HUB_URL ?? config.server.publicUrl ?? `http://localhost:${config.server.port}`).replace(/\/$/, '')
  const box = `${hubBase}${config.server.basePath}`
  // the client it calls the hub as: sandbox.clientId when it is the tenant's, else the tenant's first
  const own = tenantsOf(config).find(t => t.id === tenant.id)!
  const client = own.clients.find(c => c.clientId === config.sandbox.clientId) ?? own.clients[0]
  const clientSecret = (client?.clientId === config.sandbox.clientId ? config.sandbox.clientSecret : undefined) ?? client?.clientSecret ?? ''
  const running = await startSandbox({
    store,
    host: config.server.host,
    port: port ? Number(port) : 8090,
    hub: { boxUrl: () => box, tokenUrl: () => `${box}/1.0/token`, clientId: client?.clientId ?? config.sandbox.clientId, clientSecret },
    accessKeyId: config.sandbox.accessKeyId,
    accessKeySecret,
    consoleToken,
    tokenTtlMs: config.sandbox.tokenTtl,
    brandId: config.sandbox.brandId,
    attachmentUrlTtlMs: config.sandbox.attachmentUrlTtl,
    channels: own.channels.map(c => ({ id: c.cxoneChannelId, name: c.name ?? c.id }))
  })
  console.log(`CXone sandbox running${tenants.length > 1 ? ` as tenant ${tenant.id}'s CXone` : ''}.
  region discovery:               cxone.tenantId: ${SANDBOX_TENANT_ID}, cxone.discoveryUrl: ${running.url}
  authUrl (cxone.authUrl):        ${running.url}/auth/token
  apiBaseUrl (cxone.apiBaseUrl):  ${running.url}
  access key id / secret:         ${config.sandbox.accessKeyId} / ${loaded.config.sandbox.accessKeySecret ? '(sandbox.accessKeySecret)' : `${accessKeySecret} (generated, kept in the store)`}
  Agent console:                  ${running.url}/console/?token=${encodeURIComponent(consoleToken)}
  Calls the hub at:               ${box}`)
  const stop = async () => { await running.close(); await store.close(); process.exit(0) }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  await new Promise(() => {})
  return 0
}
