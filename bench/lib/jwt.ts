import { createHmac, timingSafeEqual } from 'node:crypto'

/** The least a bearer check can do: compact HS256 sign and verify (signature, alg, expiry) with node:crypto. */
const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64url')
const HEADER = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))

export function signJwt (claims: Record<string, unknown>, secret: string): string {
  const body = `${HEADER}.${b64(JSON.stringify(claims))}`
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`
}

export function verifyJwt (token: string, secret: string, nowS = Math.floor(Date.now() / 1000)): Record<string, unknown> | undefined {
  const [h, p, s] = token.split('.')
  if (!h || !p || !s) return undefined
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string }
  if (header.alg !== 'HS256') return undefined
  const want = createHmac('sha256', secret).update(`${h}.${p}`).digest()
  const got = Buffer.from(s, 'base64url')
  if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
  return typeof claims.exp === 'number' && claims.exp > nowS ? claims : undefined
}
