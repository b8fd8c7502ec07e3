import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

// A customer token is `<customerId>.<issued-at, base36 ms>.<HMAC(secret, customerId.issuedAt)>`: stateless, so any
// instance can check it, and nobody without the secret can mint one for another animal's id or move its issue time.
// The issue time makes tokens expire (identityTtl) and lets one customer's tokens be revoked (a "not before" time).
const CUSTOMER_ID_PATTERN = /^a_[A-Za-z0-9_-]{16}$/
const ISSUED_AT_PATTERN = /^[0-9a-z]{1,11}$/
// v2: tokens with an issue time. v1 tokens (no issue time, never expiring) no longer verify: one logout on upgrade.
const DOMAIN = 'watering-hole/customer/v2:'
/** Another instance's clock may run a little ahead of ours. */
const CLOCK_SKEW_MS = 5 * 60_000

export function newCustomerId (): string {
  return 'a_' + randomBytes(12).toString('base64url')
}

function mac (secret: string, data: string): Buffer {
  return createHmac('sha256', secret).update(DOMAIN + data).digest()
}

export function signCustomerToken (secret: string, customerId: string, issuedAt = Date.now()): string {
  if (!CUSTOMER_ID_PATTERN.test(customerId)) throw new TypeError('malformed customer id')
  const iat = Math.floor(issuedAt).toString(36)
  return `${customerId}.${iat}.${mac(secret, `${customerId}.${iat}`).toString('base64url')}`
}

export interface CustomerTokenClaims { readonly customerId: string, readonly issuedAt: number }

/** Who a token proves and since when, or undefined for anything forged, truncated, malformed or expired. */
export function verifyCustomerToken (secret: string, token: unknown, opts: { ttlMs: number, now?: number }): CustomerTokenClaims | undefined {
  if (typeof token !== 'string' || token.length > 200) return undefined
  const [customerId, iat, sig, ...extra] = token.split('.')
  if (extra.length > 0 || sig === undefined || !CUSTOMER_ID_PATTERN.test(customerId!) || !ISSUED_AT_PATTERN.test(iat!)) return undefined
  // compared as text: base64url's last character carries spare bits, so decoding first would accept 'different'
  // signatures that decode to the same bytes (a token must have exactly one spelling)
  const given = Buffer.from(sig)
  const expected = Buffer.from(mac(secret, `${customerId}.${iat}`).toString('base64url'))
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  const issuedAt = parseInt(iat!, 36)
  const now = opts.now ?? Date.now()
  if (issuedAt > now + CLOCK_SKEW_MS || issuedAt + opts.ttlMs <= now) return undefined
  return { customerId: customerId!, issuedAt }
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** '30d', '12h', '90m', '45s' → ms (the config schema allows only these). */
export function ttlMs (ttl: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(ttl)
  if (!m) throw new TypeError(`invalid duration '${ttl}'`)
  return Number(m[1]) * UNIT_MS[m[2]!]!
}

/**
 * Seal for an uploaded attachment: the socket accepts only attachments this customer uploaded through
 * POST /attachments, so nobody can make the agent open an arbitrary URL in the customer's name.
 */
export function sealAttachment (secret: string, customerId: string, a: { url: string, mimeType: string, friendlyName: string }): string {
  return mac(secret, `attachment\n${customerId}\n${a.url}\n${a.mimeType}\n${a.friendlyName}`).toString('base64url')
}

export function checkAttachmentSeal (secret: string, customerId: string, a: { url: string, mimeType: string, friendlyName: string, seal: string }): boolean {
  // as text, like the token's signature: one spelling per seal
  const given = Buffer.from(a.seal)
  const expected = Buffer.from(sealAttachment(secret, customerId, a))
  return given.length === expected.length && timingSafeEqual(given, expected)
}
