import { loadConfigFile } from '../../config/load.js'
import type { ByocConfig } from '../../config/schema.js'
import { buildCxone, type CxoneWiring } from '../cxone/wiring.js'
import { DEFAULT_TENANT, tenantsOf } from '../../config/tenants.js'
import { keptSecret } from '../sandbox/kept-secrets.js'
import { openStore } from '../store/index.js'

/**
 * The hub's own way to CXone, for CLI commands, so the CLI reaches CXone exactly as the hub does. In sandbox mode
 * that is the running hub's /sandbox on server.port, with the access key secret the hub's sandbox checks: the
 * configured one, else the one generated and kept in the shared store (sandbox-secrets.ts).
 */
export async function cliCxone (configPath: string, tenant = DEFAULT_TENANT): Promise<CxoneWiring & { config: ByocConfig }> {
  let { config } = loadConfigFile(configPath)
  const own = tenantsOf(config).find(t => t.id === tenant)
  if (!own) throw new Error(`no tenant '${tenant}' in ${configPath} (tenants: ${tenantsOf(config).map(t => t.id).join(', ')})`)
  if (own.cxone.mode === 'sandbox' && config.sandbox.accessKeySecret === undefined) {
    const store = await openStore(config.store)
    try {
      config = { ...config, sandbox: { ...config.sandbox, accessKeySecret: await keptSecret(store, 'access-key') } }
    } finally {
      await store.close()
    }
  }
  return { ...buildCxone(config, { tenant, sandbox: { url: `http://127.0.0.1:${config.server.port}/sandbox` } }), config }
}
