import fp from 'fastify-plugin'
import fastifyJwt from '@fastify/jwt'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { hubError } from '../errors.js'
import type { KeyRing } from './key-ring.js'
import type { ClientRoster } from './token-generation.js'
import { refuseIfBlocked, type AuthFailureCounter } from './auth-failures.js'
import { VerifiedTokens } from './verified-tokens.js'

declare module '@fastify/jwt' {
  interface FastifyJWT { payload: { sub: string, client_id: string, gen: string }, user: { sub: string, client_id: string, gen: string } }
}
declare module 'fastify' {
  interface FastifyInstance { requireCxone: (request: FastifyRequest, reply: FastifyReply) => Promise<void> }
}

export interface BearerOptions {
  keys: KeyRing
  issuer: string
  audience: string
  clockToleranceMs: number
  /** the configured clients: a token whose client is gone, or whose secret changed, is refused */
  clients: ClientRoster
  /** failed authentications per address, checked before any verification */
  failures: AuthFailureCounter
  onRejected?: () => void
}

/**
 * Verifies the tokens the hub issued: HS256 only (so `alg: none` or an RS/HS confusion cannot pass), issuer,
 * audience and expiry checked, key chosen by `kid`. Any failure is 401, never 403, because CXone answers a 401 by
 * fetching a new token and retrying. An address with too many failures gets 429 before its token is looked at.
 */
export const bearerAuth = fp<BearerOptions>(async (app, opts) => {
  await app.register(fastifyJwt, {
    secret: async (_request: FastifyRequest, token: { header?: { kid?: unknown } }) => {
      const secret = await opts.keys.verificationKey(token.header?.kid)
      if (!secret) throw new Error('unknown key id')
      return secret
    },
    sign: { algorithm: 'HS256' },
    verify: { algorithms: ['HS256'], allowedIss: opts.issuer, allowedAud: opts.audience, clockTolerance: opts.clockToleranceMs /* fast-jwt counts milliseconds */, requiredClaims: ['exp', 'iss', 'aud', 'sub'] },
    decode: { complete: true }
  } as Parameters<typeof fastifyJwt>[1])

  // the roster and the keys a token verified with do not change while the hub runs (a rotation is a restart with a
  // new config), so a verified header stays verified until its token expires (verified-tokens.ts)
  const verified = new VerifiedTokens<{ sub: string, client_id: string, gen: string, exp?: unknown }>()

  app.decorate('requireCxone', async (request: FastifyRequest, reply: FastifyReply) => {
    await refuseIfBlocked(opts.failures, request, reply)
    const header = request.headers.authorization
    const known = header === undefined ? undefined : verified.get(header)
    if (known !== undefined) { request.user = known; return }
    try {
      await request.jwtVerify()
      const user = request.user as { sub?: unknown, gen?: unknown }
      if (!opts.clients.isCurrent(user.sub, user.gen)) throw new Error('client removed or its secret rotated')
      if (header !== undefined) verified.remember(header, request.user)
    } catch (err) {
      opts.onRejected?.()
      await opts.failures.record(request.ip)
      request.log.info({ reason: (err as Error).message }, 'bearer token rejected')
      reply.header('www-authenticate', 'Bearer realm="byoc-hub", error="invalid_token"')
      throw hubError('UNAUTHORIZED')
    }
  })
}, { name: 'byoc-hub-bearer-auth', fastify: '5.x' })
