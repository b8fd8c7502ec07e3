import { defineChannelPlugin } from '@byoc-hub/plugin-api'
import { WateringHoleConfigSchema } from './config.js'
import { inbound, type WateringHoleEvent } from './inbound.js'
import { outbound, type WateringHoleAgentMessage } from './outbound.js'
import { wateringHoleRoutes } from './routes/index.js'
import { pushTransport } from './transport.js'
import { themeProblems } from './theme.js'

export type { WateringHoleConfig } from './config.js'
export type { WateringHoleEvent } from './inbound.js'
export type { WateringHoleAgentMessage } from './outbound.js'

export default defineChannelPlugin<typeof WateringHoleConfigSchema, WateringHoleEvent, WateringHoleAgentMessage>({
  name: 'watering-hole',
  apiVersion: 1,
  apiRange: '^1.5.0', // host.push, DeliveryTarget.seq, capabilities.messageStatus (1.4); CustomerProfile.locale, validateConfig (1.5)
  configSchema: WateringHoleConfigSchema,
  validateConfig: config => themeProblems(config.theme),
  capabilities: { attachments: true, typingIndicators: true, readReceipts: true, messageStatus: true, richMessages: [] },
  register (host) {
    return { inbound, outbound, transport: pushTransport(host), routes: wateringHoleRoutes(host), close: async () => {} }
  }
})
