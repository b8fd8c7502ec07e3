import type { ChannelHost } from '@byoc-hub/plugin-api'
import type { WateringHoleConfig } from './config.js'
import { signCustomerToken, ttlMs, verifyCustomerToken } from './identity.js'

type Host = ChannelHost<WateringHoleConfig, any> // intentional any: only config and customers are used

/**
 * The customer a token proves right now: a good signature, younger than identityTtl, and issued after any
 * revocation of this customer's tokens (kept in the hub's store, so every instance agrees).
 */
export async function customerOfToken (host: Host, token: unknown): Promise<string | undefined> {
  const claims = verifyCustomerToken(host.config.identitySecret, token, { ttlMs: ttlMs(host.config.identityTtl) })
  if (claims === undefined) return undefined
  const notBefore = await host.customers.tokensNotBefore(claims.customerId)
  return notBefore !== undefined && claims.issuedAt < notBefore ? undefined : claims.customerId
}

/** A fresh token for a customer whose token was just accepted: renewal while in use. */
export function renewedToken (host: Host, customerId: string): string {
  return signCustomerToken(host.config.identitySecret, customerId)
}
