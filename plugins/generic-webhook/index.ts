import { defineChannelPlugin } from '@byoc-hub/plugin-api'
import { GenericWebhookConfigSchema } from './config.js'
import { inbound, type ResolvedWebhookEvent } from './inbound.js'
import { outbound, type WebhookAgentMessage } from './outbound.js'
import { webhookTransport } from './transport.js'
import { eventsWebhook } from './events-webhook.js'

export type { GenericWebhookConfig } from './config.js'
export type { WebhookAgentMessage, WebhookSignalBody } from './outbound.js'
export { sign, signedHeaders, verifySignature, secretKey } from './signature.js'

/**
 * Any platform that can POST JSON and receive webhooks, configured in YAML alone: events in at
 * POST /channels/<id>/events (Standard Webhooks signatures), agent messages, typing and closes out to platformUrl.
 */
export default defineChannelPlugin<typeof GenericWebhookConfigSchema, ResolvedWebhookEvent, WebhookAgentMessage>({
  name: 'generic-webhook',
  apiVersion: 1,
  apiRange: '^1.3.0',
  configSchema: GenericWebhookConfigSchema,
  capabilities: { attachments: true, typingIndicators: true, readReceipts: false, richMessages: [] },
  register (host) {
    return { inbound, outbound, transport: webhookTransport(host.config), webhooks: [eventsWebhook(host.config)] }
  }
})
