import { createHash } from 'node:crypto'
import type { DocumentsPort } from '../store/types.js'

// A per-customer "not before" time: tokens a channel issued to this customer earlier than it are refused. Kept
// forever (one small doc per revoked customer), because a token may be presented long after it was revoked.
const NOT_BEFORE = 'customer-tokens-not-before'
// The same for an erased customer, under a digest of the ids: erasure leaves no trace of the id in the store, yet the
// customer's old tokens must stay refused (core/privacy/erasure.ts).
const ERASED_NOT_BEFORE = 'customer-tokens-erased'

const key = (channelId: string, customerId: string): string => `${channelId}\n${customerId}`
const digest = (channelId: string, customerId: string): string => createHash('sha256').update(key(channelId, customerId)).digest('hex')

/** Revokes every token the channel issued to this customer until now (logout everywhere). */
export async function revokeCustomerTokens (store: DocumentsPort, channelId: string, customerId: string, at = Date.now()): Promise<number> {
  await store.putDoc(NOT_BEFORE, key(channelId, customerId), { notBefore: at })
  return at
}

/** Erasure's revocation: kept under a digest, so the store names the customer nowhere. */
export async function revokeErasedCustomerTokens (store: DocumentsPort, channelId: string, customerId: string, at = Date.now()): Promise<number> {
  await store.putDoc(ERASED_NOT_BEFORE, digest(channelId, customerId), { notBefore: at })
  return at
}

export async function customerTokensNotBefore (store: DocumentsPort, channelId: string, customerId: string): Promise<number | undefined> {
  const [revoked, erased] = await Promise.all([
    store.getDoc<{ notBefore: number }>(NOT_BEFORE, key(channelId, customerId)),
    store.getDoc<{ notBefore: number }>(ERASED_NOT_BEFORE, digest(channelId, customerId))
  ])
  const times = [revoked?.notBefore, erased?.notBefore].filter((t): t is number => t !== undefined)
  return times.length > 0 ? Math.max(...times) : undefined
}
