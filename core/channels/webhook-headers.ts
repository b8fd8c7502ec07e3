import type { WebhookHeaders } from '../plugin-api/index.js'
import { hubError } from '../errors.js'

/** Standard Webhooks' default tolerance (its reference libraries use five minutes). */
export const DEFAULT_TOLERANCE_SECONDS = 300

// a webhook-id becomes part of a store key: printable ASCII, bounded, like the ids the standard's senders make
const WEBHOOK_ID = /^[\x21-\x7e]{1,256}$/
const TIMESTAMP = /^\d{1,12}$/

const header = (headers: WebhookHeaders, name: string): string => {
  const v = headers[name]
  return typeof v === 'string' ? v : ''
}

/**
 * The Standard Webhooks headers of a delivery (https://www.standardwebhooks.com), checked before anything else:
 * all three present, the id usable as a key, the timestamp (seconds) within `toleranceSeconds` of `nowMs` either
 * way. Throws BYOC_ERR_WEBHOOK_UNSIGNED or BYOC_ERR_WEBHOOK_TIMESTAMP (401); the signature is the plugin's `verify`.
 */
export function checkWebhookHeaders (headers: WebhookHeaders, toleranceSeconds: number, nowMs = Date.now()): { id: string, timestamp: string } {
  const id = header(headers, 'webhook-id')
  const timestamp = header(headers, 'webhook-timestamp')
  if (!id || !timestamp || !header(headers, 'webhook-signature')) throw hubError('WEBHOOK_UNSIGNED')
  if (!WEBHOOK_ID.test(id)) throw hubError('WEBHOOK_UNSIGNED', 'webhook-id must be 1 to 256 printable ASCII characters')
  if (!TIMESTAMP.test(timestamp) || Math.abs(nowMs - Number(timestamp) * 1000) > toleranceSeconds * 1000) {
    throw hubError('WEBHOOK_TIMESTAMP', `${toleranceSeconds}s`)
  }
  return { id, timestamp }
}
