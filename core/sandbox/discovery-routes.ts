import type { FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import { SANDBOX_TENANT_ID } from './tokens.js'

const TenantQuerySchema = Type.Object({ tenantId: Type.Optional(Type.String({ maxLength: 200 })) })

/**
 * Region discovery as CXone's issuer answers it (§3.1), describing the emulator itself: its one origin serves
 * discovery, auth and DFO, so api_endpoint names that origin (the hub takes it as the DFO base; core/cxone/discovery.ts).
 */
export const discoveryRoutes: FastifyPluginAsync = async (app) => {
  const self = (req: { protocol: string, host: string }): string => `${req.protocol}://${req.host}${app.prefix}`

  app.get<{ Querystring: { tenantId?: string } }>('/.well-known/cxone-configuration', { schema: { querystring: TenantQuerySchema } }, async (req, reply) => {
    // an unknown tenant is not found, as with CXone: a mistyped cxone.tenantId must show, not half-work
    if (req.query.tenantId !== SANDBOX_TENANT_ID) return reply.code(404).send({ error: 'tenant_not_found', error_description: 'No tenant with this id' })
    const origin = self(req)
    return {
      private: false,
      tenantId: SANDBOX_TENANT_ID,
      area: 'sandbox',
      cluster: 'sandbox',
      domain: 'sandbox.invalid',
      acdDomain: 'sandbox.invalid',
      uhDomain: 'sandbox.invalid',
      ui_endpoint: `${origin}/console/`,
      auth_endpoint: origin,
      api_endpoint: origin
    }
  })

  app.get('/.well-known/openid-configuration', async (req) => {
    const issuer = self(req)
    return {
      issuer,
      token_endpoint: `${issuer}/auth/token`,
      grant_types_supported: ['password'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post']
    }
  })
}
