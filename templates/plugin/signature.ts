import { createHmac, timingSafeEqual } from 'node:crypto'

/** x-signature: sha256=<hex HMAC-SHA256 of the raw body>. Replace with what your platform really sends. */
export function signBody (secret: string, body: Buffer | string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex')
}

export function verifyBody (secret: string, body: Buffer, header: string): boolean {
  const expected = Buffer.from(signBody(secret, body))
  const given = Buffer.from(header)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
