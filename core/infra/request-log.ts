import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'

/**
 * Fastify's per-request lines ("incoming request", "request completed") at debug instead of info: two pino lines per
 * request, each redacted and serialized, were the largest cost of the reply path after the store's. At the shipped
 * level (info) they are not built at all; `log.level: debug` brings them back, as before. A request that errored is
 * still logged at error, whatever the level.
 */
export class HubLogController extends LogController {
  override incomingRequest (request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return
    request.log.debug({ req: request }, 'incoming request')
  }

  override requestCompleted (error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return
    if (error) reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored')
    else reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed')
  }
}
