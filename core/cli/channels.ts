import { cliCxone } from './cxone-client.js'
import { channelIntegrationId, dfoChannelFor } from '../cxone/channel-definition.js'
import { isHubError } from '../errors.js'
import { loadChannelPlugin } from '../channels/loader.js'
import { loadConfigFile } from '../../config/load.js'
import { allChannels, channelAt, tenantsOf } from '../../config/tenants.js'

/**
 * byoc-hub channels list|create|delete [id] [--tenant <id>]: DFO channel management with the hub's own credentials,
 * toward the channel's tenant's CXone (list: the --tenant given, else `default`, else the first tenant).
 */
export async function channels (configPath: string, args: string[]): Promise<number> {
  const at = args.indexOf('--tenant')
  const named = at >= 0 ? args[at + 1] : undefined
  const [sub, id] = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args
  const { config: loaded } = loadConfigFile(configPath)
  const everyChannel = allChannels(loaded)
  const entry = everyChannel.find(c => c.id === id || (c.cxoneChannelId === id && (named === undefined || c.tenant === named)))
  const tenant = named ?? entry?.tenant ?? tenantsOf(loaded)[0]!.id
  const { dfo: client, close, config } = await cliCxone(configPath, tenant)
  try {
    if (sub === 'list') {
      const list = await client.listChannels()
      for (const c of list) console.log(`${c.id}\t${c.name ?? ''}\t${c.channelIntegrationId ?? ''}`)
      if (list.length === 0) console.log('(no channels)')
      return 0
    }
    if ((sub === 'create' || sub === 'delete') && !entry) {
      console.error(`Usage: byoc-hub channels ${sub ?? 'create|delete'} <channel id from the config: ${everyChannel.map(c => c.id).join(', ')}>`)
      return 1
    }
    if (sub === 'create') {
      const own = tenantsOf(config).find(t => t.id === tenant)!
      const cxone = own.cxone
      channelIntegrationId(cxone)
      const { baseDir } = loadConfigFile(configPath)
      const { plugin } = await loadChannelPlugin(entry!, channelAt(own, own.channels.findIndex(c => c.id === entry!.id)), baseDir)
      const created = await client.createChannel(dfoChannelFor({ id: entry!.id, name: entry!.name ?? entry!.id, cxoneChannelId: entry!.cxoneChannelId, capabilities: plugin.capabilities }, cxone))
      console.log(`created ${created.id}`)
      return 0
    }
    if (sub === 'delete') {
      await client.deleteChannel(entry!.cxoneChannelId)
      console.log(`deleted ${entry!.cxoneChannelId}`)
      return 0
    }
    console.error('Usage: byoc-hub channels list|create|delete [id] [--tenant <id>]')
    return 1
  } catch (err) {
    if (isHubError(err)) console.error(`${err.code}: ${err.message}`)
    else console.error(`CXone call failed: ${(err as Error).message}`)
    return 1
  } finally {
    await close()
  }
}
