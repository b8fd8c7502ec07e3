import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Standard Webhooks (https://www.standardwebhooks.com): HMAC-SHA256 over `${id}.${timestamp}.${body}` with the
 * base64 key after `whsec_`, sent as `webhook-signature: v1,<base64>` (several space-separated during rotation).
 */
export function secretKey (secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
}

export function sign (key: Buffer, id: string, timestamp: number | string, body: Buffer | string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`
}

/** True when any v1 signature in the header matches; compared in constant time. */
export function verifySignature (key: Buffer, id: string, timestamp: string, body: Buffer, header: string): boolean {
  const expected = Buffer.from(sign(key, id, timestamp, body).slice(3), 'base64')
  return header.split(' ').some(part => {
    const [version, value] = part.split(',', 2)
    if (version !== 'v1' || !value) return false
    const given = Buffer.from(value, 'base64')
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}

/** The three headers a signed request carries. */
export function signedHeaders (key: Buffer, id: string, body: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000)
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': sign(key, id, timestamp, body) }
}
