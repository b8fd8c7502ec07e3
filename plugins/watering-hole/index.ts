import { defineChannelPlugin } from '@byoc-hub/plugin-api'
import { WateringHoleConfigSchema } from './config.js'
import { inbound, type WateringHoleEvent } from './inbound.js'
import { outbound, type WateringHoleAgentMessage } from './outbound.js'
import { wateringHoleRoutes } from './routes/index.js'
import { pushTransport } from './transport.js'

export type { WateringHoleConfig } from './config.js'
export type { WateringHoleEvent } from './inbound.js'
export type { WateringHoleAgentMessage } from './outbound.js'

export default defineChannelPlugin<typeof WateringHoleConfigSchema, WateringHoleEvent, WateringHoleAgentMessage>({
  name: 'watering-hole',
  apiVersion: 1,
  apiRange: '^1.4.0', // host.push, DeliveryTarget.seq, capabilities.messageStatus
  configSchema: WateringHoleConfigSchema,
  capabilities: { attachments: true, typingIndicators: true, readReceipts: true, messageStatus: true, richMessages: [] },
  register (host) {
    return { inbound, outbound, transport: pushTransport(host), routes: wateringHoleRoutes(host), close: async () => {} }
  }
})
