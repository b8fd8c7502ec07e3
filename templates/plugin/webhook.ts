import { Type, verifyStandardWebhook, webhookSecretKey, type ChannelWebhook, type Static } from '@byoc-hub/plugin-api'
import type { Config } from './config.js'
import { ChannelErrors } from './errors.js'
import type { PlatformEvent } from './translators.js'

/** What the platform POSTs for a customer message. Change it to your platform's real event. */
export const EventSchema = Type.Object({
  type: Type.String({ minLength: 1 }),
  customerId: Type.String({ minLength: 1, maxLength: 255 }),
  customerName: Type.Optional(Type.String()),
  messageId: Type.String({ minLength: 1, maxLength: 255 }),
  text: Type.String({ minLength: 1 })
})
export type Event = Static<typeof EventSchema>

/**
 * POST /channels/<id>/messages. The hub runs the pipeline (raw body, Standard Webhooks headers and replay window,
 * this `verify`, JSON, `schema`, customer upsert, current thread, dedupe by messageId, 202): the plugin says only
 * how a request is signed and which messages a body holds.
 */
export function messagesWebhook (config: Config): ChannelWebhook<PlatformEvent, typeof EventSchema> {
  const key = webhookSecretKey(config.signingSecret)
  return {
    path: '/messages',
    schema: EventSchema,
    toleranceSeconds: config.toleranceSeconds,
    // Standard Webhooks (whsec_ secret, HMAC-SHA256); a platform with another scheme checks its own here
    verify: (raw, headers) => verifyStandardWebhook(key, raw, headers),
    toEvents (body: Event) {
      // an event that carries no message but is expected (a read receipt, a ping) would return [] (202, ignored)
      if (body.type !== 'message') throw new ChannelErrors.UNKNOWN_EVENT(body.type)
      // no threadId: the hub uses the customer's current conversation, and opens one when there is none
      return [{ customerId: body.customerId, messageId: body.messageId, text: body.text, ...(body.customerName ? { customerName: body.customerName } : {}) }]
    }
  }
}
