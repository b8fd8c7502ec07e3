import fp from 'fastify-plugin'
import fastifyJwt from '@fastify/jwt'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { hubError } from '../errors.js'
import type { KeyRing } from './key-ring.js'

declare module '@fastify/jwt' {
  interface FastifyJWT { payload: { sub: string, client_id: string }, user: { sub: string, client_id: string } }
}
declare module 'fastify' {
  interface FastifyInstance { requireCxone: (request: FastifyRequest, reply: FastifyReply) => Promise<void> }
}

export interface BearerOptions { keys: KeyRing, issuer: string, audience: string, clockToleranceMs: number, onRejected?: () => void }

/**
 * Verifies the tokens the hub issued: HS256 only (so `alg: none` or an RS/HS confusion cannot pass), issuer,
 * audience and expiry checked, key chosen by `kid`. Any failure is 401, never 403, because CXone answers a 401 by
 * fetching a new token and retrying.
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

  app.decorate('requireCxone', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await request.jwtVerify()
    } catch (err) {
      opts.onRejected?.()
      request.log.info({ reason: (err as Error).message }, 'bearer token rejected')
      reply.header('www-authenticate', 'Bearer realm="byoc-hub", error="invalid_token"')
      throw hubError('UNAUTHORIZED')
    }
  })
}, { name: 'byoc-hub-bearer-auth', fastify: '5.x' })
