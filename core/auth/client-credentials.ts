import { createHash, timingSafeEqual } from 'node:crypto'

export interface ClientCredentials { clientId: string, clientSecret: string }

/** Constant-time comparison: hashing first makes both sides the same length, so length leaks nothing either. */
export function secretsEqual (a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest()
  const hb = createHash('sha256').update(b).digest()
  return timingSafeEqual(ha, hb)
}

/** Finds the configured client; compares every secret so timing does not reveal which client ids exist. */
export function authenticateClient (clients: ReadonlyArray<ClientCredentials>, id: string, secret: string): ClientCredentials | undefined {
  let match: ClientCredentials | undefined
  for (const c of clients) {
    const idOk = secretsEqual(c.clientId, id)
    const secretOk = secretsEqual(c.clientSecret, secret)
    if (idOk && secretOk) match = c
  }
  return match
}

/** client_id/client_secret from HTTP Basic (RFC 6749 §2.3.1: form-encoded, then base64) or from the body. */
export function readClientCredentials (authorization: string | undefined, body: Record<string, unknown>): { clientId?: string, clientSecret?: string } {
  if (authorization?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon > 0) {
      const dec = (s: string): string => { try { return decodeURIComponent(s.replace(/\+/g, ' ')) } catch { return s } }
      return { clientId: dec(decoded.slice(0, colon)), clientSecret: dec(decoded.slice(colon + 1)) }
    }
  }
  const str = (v: unknown): string | undefined => typeof v === 'string' ? v : undefined
  return { clientId: str(body.client_id) ?? str(body.clientId), clientSecret: str(body.client_secret) ?? str(body.clientSecret) }
}
