import type { FastifyInstance } from 'fastify'
import type { Static } from 'typebox'
import type { ConversationService } from '../conversations/service.js'
import type { CxoneAccess } from './access.js'
import { SenderActionBodySchema, ThreadParamsSchema, routeErrors } from './schemas.js'

/** The agent's typing indicator, relayed to the platform. */
export async function typingRoutes (app: FastifyInstance, opts: { conversations: ConversationService, access: CxoneAccess }): Promise<void> {
  const { conversations, access } = opts
  app.post<{ Params: Static<typeof ThreadParamsSchema>, Body: Static<typeof SenderActionBodySchema> }>('/1.0/channel/:channelId/thread/:threadId/sender-action', {
    schema: {
      summary: 'Agent typing indicator', tags: ['cxone'], security: [{ bearer: [] }],
      params: ThreadParamsSchema, body: SenderActionBodySchema, response: { 204: { type: 'null' }, ...routeErrors }
    }
  }, async (request, reply) => {
    const channel = access.channelOf(request, request.params.channelId)
    await conversations.agentTyping(channel, request.params.threadId, request.body.senderAction.action === 'isTypingOn')
    return reply.code(204).send()
  })
}
