import { loadConfigFile } from '../../config/load.js'
import { withKeptSecrets } from '../sandbox/sandbox-secrets.js'
import { openStore } from '../store/index.js'
import { SANDBOX_TENANT_ID } from '../sandbox/tokens.js'

/** The CXone emulator alone, for a hub in live mode elsewhere or a community plugin's tests. */
export async function sandbox (configPath: string, port: string | undefined): Promise<number> {
  const loaded = loadConfigFile(configPath)
  const { startSandbox } = await import('../sandbox/index.js')
  const store = await openStore(loaded.config.store)
  const config = await withKeptSecrets(loaded.config, store, loaded.baseDir)
  const accessKeySecret = config.sandbox.accessKeySecret!
  const consoleToken = config.sandbox.consoleToken!
  const hubBase = (process.env.BYOC_HUB_URL ?? config.server.publicUrl ?? `http://localhost:${config.server.port}`).replace(/\/$/, '')
  const box = `${hubBase}${config.server.basePath}`
  const clientSecret = config.sandbox.clientSecret ?? config.auth.clients.find(c => c.clientId === config.sandbox.clientId)?.clientSecret ?? ''
  const running = await startSandbox({
    store,
    host: config.server.host,
    port: port ? Number(port) : 8090,
    hub: { boxUrl: () => box, tokenUrl: () => `${box}/1.0/token`, clientId: config.sandbox.clientId, clientSecret },
    accessKeyId: config.sandbox.accessKeyId,
    accessKeySecret,
    consoleToken,
    tokenTtlMs: config.sandbox.tokenTtl,
    brandId: config.sandbox.brandId,
    attachmentUrlTtlMs: config.sandbox.attachmentUrlTtl,
    channels: config.channels.map(c => ({ id: c.cxoneChannelId, name: c.name ?? c.id }))
  })
  console.log(`CXone sandbox running.
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
