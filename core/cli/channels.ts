import { cliCxone } from './cxone-client.js'
import { channelIntegrationId, dfoChannelFor } from '../cxone/channel-definition.js'
import { isHubError } from '../errors.js'
import { loadChannelPlugin } from '../channels/loader.js'
import { loadConfigFile } from '../../config/load.js'

/** byoc-hub channels list|create|delete [id]: DFO channel management with the hub's own credentials. */
export async function channels (configPath: string, args: string[]): Promise<number> {
  const [sub, id] = args
  const { dfo: client, close, config } = await cliCxone(configPath)
  try {
    if (sub === 'list') {
      const list = await client.listChannels()
      for (const c of list) console.log(`${c.id}\t${c.name ?? ''}\t${c.channelIntegrationId ?? ''}`)
      if (list.length === 0) console.log('(no channels)')
      return 0
    }
    const entry = config.channels.find(c => c.id === id || c.cxoneChannelId === id)
    if ((sub === 'create' || sub === 'delete') && !entry) {
      console.error(`Usage: byoc-hub channels ${sub ?? 'create|delete'} <channel id from the config: ${config.channels.map(c => c.id).join(', ')}>`)
      return 1
    }
    if (sub === 'create') {
      channelIntegrationId(config)
      const { baseDir } = loadConfigFile(configPath)
      const { plugin } = await loadChannelPlugin(entry!, config.channels.indexOf(entry!), baseDir)
      const created = await client.createChannel(dfoChannelFor({ id: entry!.id, name: entry!.name ?? entry!.id, cxoneChannelId: entry!.cxoneChannelId, capabilities: plugin.capabilities }, config))
      console.log(`created ${created.id}`)
      return 0
    }
    if (sub === 'delete') {
      await client.deleteChannel(entry!.cxoneChannelId)
      console.log(`deleted ${entry!.cxoneChannelId}`)
      return 0
    }
    console.error('Usage: byoc-hub channels list|create|delete [id]')
    return 1
  } catch (err) {
    if (isHubError(err)) console.error(`${err.code}: ${err.message}`)
    else console.error(`CXone call failed: ${(err as Error).message}`)
    return 1
  } finally {
    await close()
  }
}
