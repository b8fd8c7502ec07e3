import { defineChannelPlugin } from '@byoc-hub/plugin-api'
import { ConfigSchema } from './config.js'
import { inbound, outbound, type PlatformEvent, type PlatformMessage } from './translators.js'
import { platformTransport } from './transport.js'
import { messagesWebhook } from './webhook.js'

export type { Config } from './config.js'
export { ChannelErrors } from './errors.js'

/** Template Channel: the customer side of CXone conversations, as a byoc-hub channel. */
export default defineChannelPlugin<typeof ConfigSchema, PlatformEvent, PlatformMessage>({
  name: 'template-channel',
  apiVersion: 1,
  apiRange: '^1.3.0', // webhooks and definePluginErrors
  configSchema: ConfigSchema,
  // declare only what the platform can really do: the hub degrades the rest (attachments become links, long text is split)
  capabilities: { attachments: false, typingIndicators: true, readReceipts: false, richMessages: [], maxTextLength: 2000 },
  register (host) {
    return { inbound, outbound, transport: platformTransport(host.config), webhooks: [messagesWebhook(host.config)] }
  }
})
