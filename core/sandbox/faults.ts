import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { Value } from 'typebox/value'
import { Errors } from '../errors.js'
import type { DocumentsPort } from '../store/types.js'
import { dfoError } from './dfo-errors.js'
import type { SandboxFaults } from './options.js'

const FAULTS = 'sandbox:faults'
const rate = Type.Number({ minimum: 0, maximum: 1 })
const ms = Type.Number({ minimum: 0 })
export const FaultsSchema = Type.Object({
  latencyMs: Type.Optional(ms),
  errorRate: Type.Optional(rate),
  rateLimitRate: Type.Optional(rate),
  retryAfterMs: Type.Optional(ms),
  downtime: Type.Optional(Type.Array(Type.Object({ fromMs: ms, toMs: ms }, { additionalProperties: false })))
}, { additionalProperties: false })

export const getFaults = async (store: DocumentsPort): Promise<SandboxFaults> => (await store.getDoc<SandboxFaults>(FAULTS, 'current')) ?? {}
export const setFaults = (store: DocumentsPort, f: SandboxFaults): Promise<void> => store.putDoc(FAULTS, 'current', f)

/**
 * onRequest hook for DFO calls. One random draw decides: below rateLimitRate -> 429, below
 * rateLimitRate + errorRate -> 500; downtime windows answer 503 before anything else.
 */
export function injectFaults (store: DocumentsPort, random: () => number) {
  return async (_req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const f = await getFaults(store)
    const now = Date.now()
    if (f.downtime?.some(w => now >= w.fromMs && now < w.toMs)) {
      return dfoError(reply, 503, 'serviceUnavailable', 'Service unavailable (sandbox downtime window)')
    }
    if (f.latencyMs) await new Promise(resolve => setTimeout(resolve, f.latencyMs))
    const r = random()
    if (r < (f.rateLimitRate ?? 0)) {
      reply.header('retry-after', String(Math.max(1, Math.ceil((f.retryAfterMs ?? 1000) / 1000))))
      return dfoError(reply, 429, 'tooManyRequests', 'Too many requests (sandbox fault injection)')
    }
    if (r < (f.rateLimitRate ?? 0) + (f.errorRate ?? 0)) {
      return dfoError(reply, 500, 'internalServerError', 'Internal server error (sandbox fault injection)')
    }
    return undefined
  }
}

/** Runtime control: PUT replaces the fault settings for every instance sharing the store. */
export function faultRoutes (store: DocumentsPort): FastifyPluginAsync {
  return async (app) => {
    app.get('/_faults', async () => getFaults(store))
    app.put('/_faults', async (req, reply) => {
      if (!Value.Check(FaultsSchema, req.body)) {
        const first = Value.Errors(FaultsSchema, req.body)[0]
        return reply.code(400).send({ error: { code: Errors.SANDBOX_FAULTS_INVALID.code, message: `${first?.instancePath || 'body'} ${first?.message ?? 'invalid'}` } })
      }
      await setFaults(store, req.body)
      return req.body
    })
  }
}
