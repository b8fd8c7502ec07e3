import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ChannelHost } from '@byoc-hub/plugin-api'
import type { WateringHoleConfig } from '../config.js'
import { WhErrorCodes, whError } from '../errors.js'
import { newCustomerId, signCustomerToken, verifyCustomerToken } from '../identity.js'
import { IdentityBodySchema, type IdentityBody } from '../schemas.js'

/** The customer id a request's `Authorization: Bearer <token>` proves; throws 401 otherwise. */
export function customerFromRequest (secret: string, request: FastifyRequest): string {
  const header = request.headers.authorization
  const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined
  const customerId = verifyCustomerToken(secret, token)
  if (customerId === undefined) throw whError(WhErrorCodes.tokenInvalid, 'A valid customer token is required.', 401)
  return customerId
}

export function identityRoutes (scope: FastifyInstance, host: ChannelHost<WateringHoleConfig>): void {
  scope.post<{ Body: IdentityBody }>('/identity', { schema: { body: IdentityBodySchema } }, async (request) => {
    const secret = host.config.identitySecret
    const { name, avatar, token } = request.body
    let customerId: string
    if (token !== undefined) {
      const known = verifyCustomerToken(secret, token)
      if (known === undefined) throw whError(WhErrorCodes.tokenInvalid, 'That identity token is not valid.', 401)
      customerId = known
    } else {
      customerId = newCustomerId()
    }
    const profile = { customerId, name: name.trim(), avatar }
    await host.customers.upsert(profile)
    return { token: signCustomerToken(secret, customerId), customer: profile }
  })
}
