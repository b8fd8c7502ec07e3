import { randomBytes } from 'node:crypto'
import type { DocumentsPort } from '../store/types.js'

const OTT = 'sandbox:one-time-tokens'
const OTT_TTL_MS = 10 * 60_000

interface OttDoc { brandId: number, userId: number, expiresAt: number }

/** Minted by the console's Integrations section, as CXone does when an admin opens a BYOC action URL. */
export async function mintOneTimeToken (store: DocumentsPort, brandId: number, userId: number): Promise<string> {
  const token = randomBytes(18).toString('base64url')
  await store.putDoc(OTT, token, { brandId, userId, expiresAt: Date.now() + OTT_TTL_MS } satisfies OttDoc)
  return token
}

/** True once per token: deleting it is the claim, so two verifications cannot both succeed. */
export async function consumeOneTimeToken (store: DocumentsPort, token: string, brandId: string, userId: string): Promise<boolean> {
  const doc = await store.getDoc<OttDoc>(OTT, token)
  if (!doc || !await store.deleteDoc(OTT, token)) return false
  return doc.expiresAt > Date.now() && String(doc.brandId) === brandId && String(doc.userId) === userId
}
