import { Type, verifyStandardWebhook, type ChannelWebhook } from '@byoc-hub/plugin-api'
import type { GenericWebhookConfig } from './config.js'
import type { ResolvedWebhookEvent } from './inbound.js'
import { isMessageEvent, mapEvent } from './mapping.js'
import { secretKey } from './signature.js'

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
    verify: (raw, headers) => verifyStandardWebhook(key, raw, headers),
    // events other than messages (config `when`) are acknowledged and ignored
    toEvents: (body: unknown) => isMessageEvent(body, config.when) ? [mapEvent(body, config.mapping)] : []
  }
}
