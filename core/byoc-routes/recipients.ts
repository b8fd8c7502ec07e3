import type { FastifyInstance } from 'fastify'
import type { Static } from 'typebox'
import { Errors } from '../errors.js'
import type { ConversationsPort } from '../store/types.js'
import type { CxoneAccess } from './access.js'
import { ChannelParamsSchema, RecipientValidationBodySchema } from './schemas.js'

/** M4: CXone checks recipients before an agent's manual outbound. */
export async function recipientRoutes (app: FastifyInstance, opts: { store: ConversationsPort, access: CxoneAccess }): Promise<void> {
  const { store, access } = opts
  app.post<{ Params: Static<typeof ChannelParamsSchema>, Body: Static<typeof RecipientValidationBodySchema> }>('/1.0/channel/:channelId/recipients/validation', {
    schema: {
      summary: 'Check recipients before a manual outbound', tags: ['cxone'], security: [{ bearer: [] }],
      params: ChannelParamsSchema, body: RecipientValidationBodySchema
    }
  }, async (request, reply) => {
    const channel = access.channelOf(request, request.params.channelId)
    const unknown: string[] = []
    for (const r of request.body.endUserRecipients) {
      if (!await store.getCustomer(channel.id, r.idOnExternalPlatform)) unknown.push(r.idOnExternalPlatform)
    }
    if (unknown.length > 0) {
      // the error model seen in NICE's sample (cxone-byoc-api.md M4)
      return reply.code(400).send({
        displayErrorMessage: 'Unknown recipient', errorCode: 'outboundValidationFailed',
        errors: unknown.map(id => ({ path: ['idOnExternalPlatform'], message: `recipient ${id} is unknown on channel ${channel.id}` })),
        error: { code: Errors.RECIPIENT_UNKNOWN.code, message: Errors.RECIPIENT_UNKNOWN.message }
      })
    }
    return { status: 'valid' }
  })
}
