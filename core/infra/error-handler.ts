import fp from 'fastify-plugin'
import type { FastifyError } from 'fastify'
import { Errors, httpFallbackCode, type CodedErrorSpec } from '../errors.js'
import { ID_PATTERN } from '../plugin-api/id-rule.js'

/** Fastify's own codes -> ours, so clients see one stable vocabulary. */
const FASTIFY_CODES: Record<string, CodedErrorSpec> = {
  FST_ERR_CTP_BODY_TOO_LARGE: Errors.BODY_TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: Errors.UNSUPPORTED_MEDIA_TYPE,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: Errors.MALFORMED_BODY,
  FST_ERR_CTP_EMPTY_JSON_BODY: Errors.MALFORMED_BODY,
  FST_ERR_CTP_INVALID_JSON_BODY: Errors.MALFORMED_BODY,
  FST_ERR_VALIDATION: Errors.VALIDATION
}

/**
 * ioredis's fail-fast errors while Redis is unreachable (no offline queue, retries spent, command timeout), and a
 * demoted primary refusing writes (READONLY) in the moments of a Sentinel failover before ioredis moves on.
 */
function isStoreUnavailable (err: Error & { previousErrors?: Error[] }): boolean {
  return err.name === 'MaxRetriesPerRequestError' ||
    /enableOfflineQueue options is false|Connection is closed|Command timed out|Stream isn't writeable|^READONLY |All sentinels are unreachable/.test(err.message) ||
    // a MULTI whose commands a replica refused fails as EXECABORT, the READONLY inside
    (err.previousErrors ?? []).some(e => /^READONLY /.test(e.message))
}

/**
 * One error handler: coded JSON `{ error: { code, message } }`, validation details as paths, 5xx messages never
 * leaked (they are logged with the request id instead).
 */
export const errorHandler = fp(async (app) => {
  app.setErrorHandler((err: FastifyError & { validation?: Array<{ instancePath: string, message?: string, keyword?: string, params?: { pattern?: string } }>, validationContext?: string }, request, reply) => {
    const mapped = err.code ? FASTIFY_CODES[err.code] : undefined
    let status = mapped?.statusCode ?? err.statusCode ?? 500
    if (status === 500 && isStoreUnavailable(err)) { err.code = Errors.STORE_UNAVAILABLE.code; status = 503 }
    if (err instanceof SyntaxError && status === 500) status = 400
    if (status >= 500) {
      request.log.error({ err }, 'request failed')
      const spec = status === 503 ? (err.code === Errors.STORE_UNAVAILABLE.code ? Errors.STORE_UNAVAILABLE : Errors.NOT_READY) : status === 502 ? Errors.CXONE_UNAVAILABLE : Errors.INTERNAL
      return reply.code(status).send({ error: { code: spec.code, message: spec.message } })
    }
    if (status === 429) {
      return reply.code(429).send({ error: { code: Errors.RATE_LIMITED.code, message: err.message || Errors.RATE_LIMITED.message } })
    }
    if (err.validation) {
      const where = err.validationContext ?? 'body'
      const details = err.validation.map(v => `${where}${v.instancePath || ''}: ${v.message ?? 'invalid'}`)
      // an id schema (core/plugin-api/id-rule.ts) fails only on its own pattern: that breach has its own code
      const idBreach = err.validation.findIndex(v => v.keyword === 'pattern' && v.params?.pattern === ID_PATTERN)
      if (idBreach >= 0) {
        const path = `${where}${err.validation[idBreach]!.instancePath || ''}`
        return reply.code(400).send({ error: { code: Errors.ID_INVALID.code, message: `${Errors.ID_INVALID.message} (${path})`, details } })
      }
      return reply.code(400).send({ error: { code: Errors.VALIDATION.code, message: `Invalid ${where}: ${details[0]}`, details } })
    }
    const code = mapped?.code ?? (typeof err.code === 'string' && /^BYOC_/.test(err.code) ? err.code : httpFallbackCode(status))
    return reply.code(status).send({ error: { code, message: mapped && mapped !== Errors.VALIDATION ? mapped.message : err.message } })
  })

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: { code: Errors.NOT_FOUND.code, message: `${Errors.NOT_FOUND.message}: ${request.method} ${request.url.split('?')[0]}` } })
  })
}, { name: 'byoc-hub-error-handler', fastify: '5.x' })
