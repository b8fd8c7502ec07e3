import { createHmac, timingSafeEqual } from 'node:crypto'
import type { WebhookHeaders } from './types.js'

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com), the scheme the webhook pipeline's headers are:
 * HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`, keyed with the base64 part of a `whsec_…` secret, sent as
 * `webhook-signature: v1,<base64>` (several, space-separated, while a secret is rotated). A plugin whose platform
 * speaks the standard verifies with `verifyStandardWebhook` and signs its own deliveries with `signedWebhookHeaders`.
 * Since API 1.3.
 */
export function webhookSecretKey (secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
}

/** `v1,<base64 HMAC-SHA256>` of one delivery. */
export function signWebhook (key: Buffer, id: string, timestamp: number | string, body: Buffer | string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`
}

/** True when any v1 signature in `header` matches; compared in constant time. */
export function verifyWebhookSignature (key: Buffer, id: string, timestamp: string, body: Buffer, header: string): boolean {
  const expected = Buffer.from(signWebhook(key, id, timestamp, body).slice(3), 'base64')
  return header.split(' ').some(part => {
    const [version, value] = part.split(',', 2)
    if (version !== 'v1' || !value) return false
    const given = Buffer.from(value, 'base64')
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}

const header = (headers: WebhookHeaders, name: string): string => {
  const v = headers[name]
  return typeof v === 'string' ? v : ''
}

/** A `ChannelWebhook.verify` for Standard Webhooks: `verify: (raw, headers) => verifyStandardWebhook(key, raw, headers)`. */
export function verifyStandardWebhook (key: Buffer, raw: Buffer, headers: WebhookHeaders): boolean {
  return verifyWebhookSignature(key, header(headers, 'webhook-id'), header(headers, 'webhook-timestamp'), raw, header(headers, 'webhook-signature'))
}

/** The three headers of a signed request; `id` should stay the same across retries so the receiver can dedupe. */
export function signedWebhookHeaders (key: Buffer, id: string, body: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000)
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(key, id, timestamp, body) }
}
