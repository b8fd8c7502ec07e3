import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

// A customer token is `<customerId>.<HMAC(secret, customerId)>`: stateless, so any instance can check it,
// and nobody without the secret can mint one for another animal's id.
const CUSTOMER_ID_PATTERN = /^a_[A-Za-z0-9_-]{16}$/
const DOMAIN = 'watering-hole/customer/v1:'

export function newCustomerId (): string {
  return 'a_' + randomBytes(12).toString('base64url')
}

function mac (secret: string, data: string): Buffer {
  return createHmac('sha256', secret).update(DOMAIN + data).digest()
}

export function signCustomerToken (secret: string, customerId: string): string {
  if (!CUSTOMER_ID_PATTERN.test(customerId)) throw new TypeError('malformed customer id')
  return `${customerId}.${mac(secret, customerId).toString('base64url')}`
}

/** The customer id a token proves, or undefined for anything forged, truncated or malformed. */
export function verifyCustomerToken (secret: string, token: unknown): string | undefined {
  if (typeof token !== 'string' || token.length > 200) return undefined
  const dot = token.indexOf('.')
  if (dot < 0) return undefined
  const customerId = token.slice(0, dot)
  if (!CUSTOMER_ID_PATTERN.test(customerId)) return undefined
  const given = Buffer.from(token.slice(dot + 1), 'base64url')
  const expected = mac(secret, customerId)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  return customerId
}

/**
 * Seal for an uploaded attachment: the socket accepts only attachments this customer uploaded through
 * POST /attachments, so nobody can make the agent open an arbitrary URL in the customer's name.
 */
export function sealAttachment (secret: string, customerId: string, a: { url: string, mimeType: string, friendlyName: string }): string {
  return mac(secret, `attachment\n${customerId}\n${a.url}\n${a.mimeType}\n${a.friendlyName}`).toString('base64url')
}

export function checkAttachmentSeal (secret: string, customerId: string, a: { url: string, mimeType: string, friendlyName: string, seal: string }): boolean {
  const given = Buffer.from(a.seal, 'base64url')
  const expected = Buffer.from(sealAttachment(secret, customerId, a), 'base64url')
  return given.length === expected.length && timingSafeEqual(given, expected)
}
