import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { DocumentsPort } from '../store/types.js'

const TOKENS = 'sandbox:tokens'
export const SANDBOX_TENANT_ID = 'sandbox-tenant'

interface TokenDoc { expiresAt: number, subject: string }

/** Access tokens the emulated CXone issues; stored so every sandbox instance accepts them until they expire. */
export async function issueToken (store: DocumentsPort, subject: string, ttlMs: number): Promise<string> {
  const token = randomBytes(24).toString('base64url')
  await store.putDoc(TOKENS, token, { expiresAt: Date.now() + ttlMs, subject } satisfies TokenDoc)
  return token
}

export async function tokenValid (store: DocumentsPort, token: string): Promise<boolean> {
  const doc = await store.getDoc<TokenDoc>(TOKENS, token)
  if (!doc) return false
  if (doc.expiresAt > Date.now()) return true
  await store.deleteDoc(TOKENS, token) // expired tokens are of no further use
  return false
}

/** Constant-time comparison that tolerates different lengths (timingSafeEqual alone throws on them). */
export function sameSecret (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** A signed id_token like CXone's, carrying tenantId and iss, so clients that read those claims work. */
export function idToken (claims: Record<string, unknown>, secret: string): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url')
  const head = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ tenantId: SANDBOX_TENANT_ID, ...claims })}`
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`
}
