import type {} from '@fastify/swagger'
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { authenticateClient, readClientCredentials, type ClientCredentials } from '../auth/client-credentials.js'
import type { KeyRing } from '../auth/key-ring.js'
import { tokenGeneration } from '../auth/token-generation.js'
import { refuseIfBlocked, type AuthFailureCounter } from '../auth/auth-failures.js'

const TokenRequestSchema = Type.Object({
  grant_type: Type.Optional(Type.String({ maxLength: 100 })),
  client_id: Type.Optional(Type.String({ maxLength: 512 })),
  client_secret: Type.Optional(Type.String({ maxLength: 512 })),
  scope: Type.Optional(Type.String({ maxLength: 1000 }))
}, { additionalProperties: true })

const TokenResponseSchema = Type.Object({ access_token: Type.String(), token_type: Type.Literal('Bearer'), expires_in: Type.Integer() })
const OAuthErrorSchema = Type.Object({ error: Type.String(), error_description: Type.String() })

export interface TokenRouteOptions {
  clients: ReadonlyArray<ClientCredentials>
  keys: KeyRing
  ttlSeconds: number
  issuer: string
  audience: string
  /** wrong client secrets count as failed authentications of the caller's address */
  failures: AuthFailureCounter
  onIssued?: (outcome: 'issued' | 'rejected') => void
}

/** The token route's rate-limit key: `token:<client id>@<address>` (the id from the body or HTTP Basic). */
function tokenRateKey (request: FastifyRequest): string {
  const { clientId } = readClientCredentials(request.headers.authorization, (request.body ?? {}) as Record<string, unknown>)
  // JSON-quoted, not URI-encoded: a client id may hold a lone surrogate (S-4's fuzzer sends one), which encodeURIComponent throws on
  return `token:${JSON.stringify(clientId ?? '')}@${request.ip}`
}

/** M1: OAuth2 client_credentials for CXone. JSON, form or HTTP Basic; OAuth error bodies (RFC 6749 §5.2). */
export async function tokenRoute (app: FastifyInstance, opts: TokenRouteOptions): Promise<void> {
  app.post('/1.0/token', {
    schema: {
      summary: 'Issue an access token to CXone (OAuth2 client credentials)',
      tags: ['cxone'],
      body: TokenRequestSchema,
      response: { 200: TokenResponseSchema, 400: OAuthErrorSchema, 401: OAuthErrorSchema }
    },
    // Per client: the client id the caller names plus its address, so one CXone client's burst does not lock out
    // another behind the same egress, and spraying a client's id from many addresses does not lock the real one out
    // (failed secrets are still counted per address, auth-failures.ts). Fails closed: while Redis cannot count, no
    // token is issued (503), or a brute force would get a free pass for the length of an outage (S-16).
    config: { rateLimit: { max: 60, timeWindow: 60_000, skipOnError: false, keyGenerator: tokenRateKey } },
    // a body that fails parsing or the schema must still get an OAuth error body: the 400 response schema is OAuth's,
    // and the hub's generic { error: { code } } would fail to serialize against it (a 500)
    errorHandler: (err: FastifyError, _request, reply) => {
      const status = err.statusCode ?? 500
      if (status >= 500 || status === 429) throw err
      reply.header('cache-control', 'no-store')
      return reply.code(status as 400).send({ error: 'invalid_request', error_description: status === 400 ? 'malformed token request' : err.message })
    }
  }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const oauthError = (status: 400 | 401, error: string, description: string) => {
      opts.onIssued?.('rejected')
      reply.header('cache-control', 'no-store')
      if (status === 401) reply.header('www-authenticate', 'Basic realm="byoc-hub"')
      return reply.code(status).send({ error, error_description: description })
    }
    const grant = body.grant_type
    if (grant !== undefined && grant !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 'only client_credentials is supported')
    const { clientId, clientSecret } = readClientCredentials(request.headers.authorization, body)
    if (!clientId || !clientSecret) return oauthError(400, 'invalid_request', 'client_id and client_secret are required (body or HTTP Basic)')
    await refuseIfBlocked(opts.failures, request, reply)
    const client = authenticateClient(opts.clients, clientId, clientSecret)
    if (!client) {
      await opts.failures.record(request.ip)
      request.log.warn({ clientId }, 'token refused: invalid client credentials')
      return oauthError(401, 'invalid_client', 'client authentication failed')
    }
    const key = opts.keys.signingKey()
    const token = app.jwt.sign({ sub: client.clientId, client_id: client.clientId, gen: tokenGeneration(client) }, {
      key: key.secret, kid: key.kid, algorithm: 'HS256', expiresIn: opts.ttlSeconds * 1000, iss: opts.issuer, aud: opts.audience
    })
    opts.onIssued?.('issued')
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
    return { access_token: token, token_type: 'Bearer' as const, expires_in: opts.ttlSeconds }
  })
}
