import formbody from '@fastify/formbody'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { Value } from 'typebox/value'
import { dfoError } from './dfo-errors.js'
import type { SandboxOptions } from './options.js'
import { idToken, issueToken, sameSecret, tokenValid } from './tokens.js'

const TokenRequestSchema = Type.Object({
  grant_type: Type.String(),
  username: Type.String(),
  password: Type.String()
}, { additionalProperties: true })

/** CXone's access-key token endpoint (§3.1): form grant_type=password&username=<key id>&password=<key secret>. */
export function authRoutes (opts: SandboxOptions): FastifyPluginAsync {
  return async (app) => {
    // the host may already parse forms in an enclosing scope; registering twice would throw
    if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody)
    app.post('/auth/token', async (req, reply) => {
      const body = req.body ?? {}
      if (!Value.Check(TokenRequestSchema, body)) return reply.code(400).send({ error: 'invalid_request', error_description: 'grant_type, username and password are required' })
      if (body.grant_type !== 'password') return reply.code(400).send({ error: 'unsupported_grant_type' })
      if (!sameSecret(body.username, opts.accessKeyId) || !sameSecret(body.password, opts.accessKeySecret)) {
        return reply.code(401).send({ error: 'invalid_grant', error_description: 'unknown access key' })
      }
      const token = await issueToken(opts.store, body.username, opts.tokenTtlMs)
      const iss = `${req.protocol}://${req.host}${app.prefix}`
      const now = Math.floor(Date.now() / 1000)
      return {
        access_token: token,
        token_type: 'Bearer',
        expires_in: Math.floor(opts.tokenTtlMs / 1000),
        id_token: idToken({ iss, sub: body.username, brandId: opts.brandId, iat: now, exp: now + Math.ceil(opts.tokenTtlMs / 1000) }, opts.accessKeySecret)
      }
    })
  }
}

/** onRequest hook for DFO routes: 401 on a missing, unknown or expired bearer token, so the caller re-authenticates. */
export function requireBearer (opts: SandboxOptions) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')
    if (m && await tokenValid(opts.store, m[1]!)) return undefined
    reply.header('www-authenticate', 'Bearer error="invalid_token"')
    return dfoError(reply, 401, 'unauthorized', m ? 'The access token is invalid or expired' : 'Missing bearer token')
  }
}
