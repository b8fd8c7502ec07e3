import fp from 'fastify-plugin'
import { registerChannels } from '../channels/register.js'
import { kConfig } from './config.js'
import { kStore } from './store.js'
import { kBus } from './bus.js'
import { kCxone } from './cxone.js'
import { kConversations } from './conversations.js'

/** Each configured channel plugin, loaded, checked and mounted in its own scope at /channels/<id>. */
export const channelsStep = fp<{ baseDir: string }>(async (app, { baseDir }) => {
  const { channels, conversations } = app[kConversations]
  await registerChannels(app, app[kConfig], { baseDir, registry: channels, store: app[kStore], bus: app[kBus], dfoOf: (channel) => app[kCxone].forChannel(channel).dfo, conversations })
  // added after the channels' scopes, so it runs before their own onClose hooks (they run in reverse order)
  app.addHook('onClose', async () => {
    for (const channel of channels.all()) await channel.registration?.close?.()
  })
}, { name: 'byoc-hub-channels', fastify: '5.x', dependencies: ['byoc-hub-config', 'byoc-hub-store', 'byoc-hub-bus', 'byoc-hub-cxone', 'byoc-hub-conversations'] })
