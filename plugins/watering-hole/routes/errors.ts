import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { WateringHoleErrors } from '../errors.js'

/** This channel's error body: `{ error: { code, message } }`, never a 5xx message. */
export function wateringHoleErrorHandler (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  let status = err.statusCode ?? 500
  let code: string = err.code
  let message = err.message
  if (err.validation !== undefined) {
    status = 400
    code = WateringHoleErrors.INVALID_BODY.code
  } else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    code = WateringHoleErrors.ATTACHMENT_TOO_LARGE.code
    message = 'The file is too large.'
  } else if (typeof code !== 'string' || !code.startsWith('BYOC_')) {
    code = status >= 500 ? WateringHoleErrors.UNAVAILABLE.code : WateringHoleErrors.INVALID_BODY.code
  }
  if (status >= 500) {
    request.log.error({ err }, 'watering-hole request failed')
    message = 'Something went wrong on our side; please try again.'
  }
  void reply.code(status).send({ error: { code, message } })
}
