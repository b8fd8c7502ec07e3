import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ChannelHost } from '@byoc-hub/plugin-api'
import type { WateringHoleConfig } from '../config.js'
import { customerOfToken, renewedToken } from '../customer-token.js'
import { WateringHoleErrors } from '../errors.js'
import { newCustomerId } from '../identity.js'
import { IdentityBodySchema, type IdentityBody } from '../schemas.js'

/** The customer a request's `Authorization: Bearer <token>` proves; throws 401 otherwise. */
export async function customerFromRequest (host: ChannelHost<WateringHoleConfig>, request: FastifyRequest): Promise<string> {
  const header = request.headers.authorization
  const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined
  const customerId = await customerOfToken(host, token)
  if (customerId === undefined) throw new WateringHoleErrors.TOKEN_INVALID('A valid customer token is required.')
  return customerId
}

export function identityRoutes (scope: FastifyInstance, host: ChannelHost<WateringHoleConfig>): void {
  scope.post<{ Body: IdentityBody }>('/identity', { schema: { body: IdentityBodySchema } }, async (request) => {
    const { name, avatar, token, locale } = request.body
    let customerId: string
    if (token !== undefined) {
      const known = await customerOfToken(host, token)
      if (known === undefined) throw new WateringHoleErrors.TOKEN_INVALID('That identity token is not valid.')
      customerId = known
    } else {
      customerId = newCustomerId()
    }
    const profile = { customerId, name: name.trim(), avatar }
    await host.customers.upsert({ ...profile, ...(locale !== undefined ? { locale } : {}) })
    return { token: renewedToken(host, customerId), customer: profile }
  })
}
