import { loadConfigFile } from '../../config/load.js'
import { openStore } from '../store/index.js'
import { revokeCustomerTokens } from '../channels/customer-tokens.js'

const USAGE = 'Usage: byoc-hub customers revoke-tokens <channelId> <customerId>'

/** byoc-hub customers revoke-tokens <channel> <customer>: logs one customer out everywhere, on every instance. */
export async function customers (configPath: string, args: string[]): Promise<number> {
  const [sub, channelId, customerId] = args
  if (sub !== 'revoke-tokens' || !channelId || !customerId) { console.error(USAGE); return 1 }
  const { config } = loadConfigFile(configPath)
  if (!config.channels.some(c => c.id === channelId)) { console.error(`No channel '${channelId}' in ${configPath}.`); return 1 }
  const store = await openStore(config.store)
  try {
    const at = await revokeCustomerTokens(store, channelId, customerId)
    console.log(`Tokens issued to ${customerId} on ${channelId} before ${new Date(at).toISOString()} are revoked.`)
    return 0
  } finally {
    await store.close()
  }
}
