import { allChannels } from '../../config/tenants.js'
import { loadConfigFile } from '../../config/load.js'
import { openStore } from '../store/index.js'
import { revokeCustomerTokens } from '../channels/customer-tokens.js'

const USAGE = `Usage: byoc-hub customers revoke-tokens <channelId> <customerId>
       byoc-hub customers erase <channelId> <customerId>
       byoc-hub customers export <channelId> <customerId> [--out FILE]`

/**
 * byoc-hub customers revoke-tokens|erase|export <channel> <customer>: log one customer out everywhere; forget them
 * (customers-privacy.ts); or export everything held about them.
 */
export async function customers (configPath: string, args: string[], opts: { out?: string | undefined } = {}): Promise<number> {
  const [sub, channelId, customerId] = args
  if (!sub || !['revoke-tokens', 'erase', 'export'].includes(sub) || !channelId || !customerId) { console.error(USAGE); return 1 }
  const { config } = loadConfigFile(configPath)
  if (sub === 'erase' || sub === 'export') {
    // a channel since removed from the config may still have customers to erase or export
    const { eraseCommand, exportCommand } = await import('./customers-privacy.js')
    try {
      return sub === 'erase' ? await eraseCommand(config, channelId, customerId) : await exportCommand(config, channelId, customerId, opts.out)
    } catch (err) {
      console.error((err as Error).message)
      return 1
    }
  }
  if (!allChannels(config).some(c => c.id === channelId)) { console.error(`No channel '${channelId}' in ${configPath}.`); return 1 }
  const store = await openStore(config.store)
  try {
    const at = await revokeCustomerTokens(store, channelId, customerId)
    console.log(`Tokens issued to ${customerId} on ${channelId} before ${new Date(at).toISOString()} are revoked.`)
    return 0
  } finally {
    await store.close()
  }
}
