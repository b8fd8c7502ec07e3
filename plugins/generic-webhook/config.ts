import { Type, type Static } from '@byoc-hub/plugin-api'
import { JSON_POINTER_PATTERN } from './json-pointer.js'

const Pointer = (description: string, example: string) => Type.String({ pattern: JSON_POINTER_PATTERN, description: `${description} (JSON pointer, e.g. ${example})` })

/** Where each field of a platform event lives: the whole channel is configured by this mapping. */
export const MappingSchema = Type.Object({
  messageId: Pointer('unique id of the message on the platform; becomes idOnExternalPlatform', '/message/id'),
  customerId: Pointer('the customer\'s id on the platform', '/user/id'),
  text: Pointer('message text', '/message/text'),
  customerName: Type.Optional(Pointer('display name of the customer', '/user/name')),
  threadId: Type.Optional(Pointer('conversation id; omit to use the customer\'s open conversation', '/conversation/id')),
  createdAt: Type.Optional(Pointer('ISO 8601 time or epoch milliseconds', '/message/timestamp')),
  attachments: Type.Optional(Pointer('array of { url, name, mimeType }', '/message/attachments'))
}, { additionalProperties: false })

export const GenericWebhookConfigSchema = Type.Object({
  platformUrl: Type.String({ pattern: '^https?://', description: 'where agent messages, typing and close events are POSTed' }),
  secret: Type.String({ pattern: '^whsec_[A-Za-z0-9+/=]{16,}$', description: 'Standard Webhooks secret (whsec_<base64>) the platform signs its events with', 'x-secret': true }),
  outboundSecret: Type.Optional(Type.String({ pattern: '^whsec_[A-Za-z0-9+/=]{16,}$', description: 'secret the hub signs its deliveries with; defaults to secret', 'x-secret': true })),
  toleranceSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 300, description: 'largest accepted difference between webhook-timestamp and now' }),
  timeoutMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 10_000, description: 'per-delivery timeout toward the platform' }),
  mapping: MappingSchema,
  when: Type.Optional(Type.Object({
    pointer: Type.String({ pattern: JSON_POINTER_PATTERN }),
    equals: Type.Union([Type.String(), Type.Number(), Type.Boolean()])
  }, { additionalProperties: false, description: 'only events where the pointer equals this value are messages; others are acknowledged and ignored' }))
}, { additionalProperties: false })

export type GenericWebhookConfig = Static<typeof GenericWebhookConfigSchema>
export type Mapping = Static<typeof MappingSchema>
