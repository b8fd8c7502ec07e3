import type { DocumentsPort } from '../store/types.js'

// A per-customer "not before" time: tokens a channel issued to this customer earlier than it are refused. Kept
// forever (one small doc per revoked customer), because a token may be presented long after it was revoked.
const NOT_BEFORE = 'customer-tokens-not-before'

const key = (channelId: string, customerId: string): string => `${channelId}\n${customerId}`

/** Revokes every token the channel issued to this customer until now (logout everywhere; erasure uses it). */
export async function revokeCustomerTokens (store: DocumentsPort, channelId: string, customerId: string, at = Date.now()): Promise<number> {
  await store.putDoc(NOT_BEFORE, key(channelId, customerId), { notBefore: at })
  return at
}

export async function customerTokensNotBefore (store: DocumentsPort, channelId: string, customerId: string): Promise<number | undefined> {
  return (await store.getDoc<{ notBefore: number }>(NOT_BEFORE, key(channelId, customerId)))?.notBefore
}
