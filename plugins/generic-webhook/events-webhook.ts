import { Type, type ChannelWebhook, type WebhookHeaders } from '@byoc-hub/plugin-api'
import type { GenericWebhookConfig } from './config.js'
import type { ResolvedWebhookEvent } from './inbound.js'
import { isMessageEvent, mapEvent } from './mapping.js'
import { secretKey, verifySignature } from './signature.js'

const first = (v: string | string[] | undefined): string => typeof v === 'string' ? v : ''

/**
 * POST /channels/<id>/events. Core runs the pipeline (headers, timestamp window, replays, JSON, upsert, thread,
 * dedupe, 202); this channel adds its signature check and the configured mapping. Any JSON object is an event: the
 * mapping, not a schema, says what it must hold, and names the pointer that did not fit.
 */
export function eventsWebhook (config: GenericWebhookConfig): ChannelWebhook<ResolvedWebhookEvent> {
  const key = secretKey(config.secret)
  return {
    path: '/events',
    schema: Type.Object({}, { description: 'a platform event; read through config.mapping' }),
    toleranceSeconds: config.toleranceSeconds,
    verify: (raw: Buffer, headers: WebhookHeaders) =>
      verifySignature(key, first(headers['webhook-id']), first(headers['webhook-timestamp']), raw, first(headers['webhook-signature'])),
    // events other than messages (config `when`) are acknowledged and ignored
    toEvents: (body: unknown) => isMessageEvent(body, config.when) ? [mapEvent(body, config.mapping)] : []
  }
}
