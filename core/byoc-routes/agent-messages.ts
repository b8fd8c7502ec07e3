import type {} from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import type { Static } from 'typebox'
import type { ChannelRegistry, ChannelRuntime } from '../channels/runtime.js'
import type { ConversationService } from '../conversations/service.js'
import { normaliseAgentBody } from '../conversations/agent-message.js'
import type { ConversationsPort, Thread } from '../store/types.js'
import { hubError } from '../errors.js'
import type { CxoneAccess } from './access.js'
import { AgentMessageBodySchema, ChannelParamsSchema, OutboundResponseSchema, PostParamsSchema, routeErrors } from './schemas.js'

type AgentBody = Static<typeof AgentMessageBodySchema>
export interface AgentMessageRoutesOptions {
  channels: ChannelRegistry
  conversations: ConversationService
  store: ConversationsPort
  access: CxoneAccess
  publicUrl: () => string
}

/** M2 (legacy reply into a post) and M5 (outbound, DFO 3.0): an agent's message to the platform. */
export async function agentMessageRoutes (app: FastifyInstance, opts: AgentMessageRoutesOptions): Promise<void> {
  const { channels, conversations, store, access } = opts

  const agentMessage = async (channel: ChannelRuntime, body: AgentBody, threadId: string | undefined) => {
    // read once, here: the stored message carries what delivery needs, and nothing parses the body again
    const normalised = normaliseAgentBody(body)
    if (normalised.text.length === 0 && normalised.attachments.length === 0) throw hubError('MESSAGE_EMPTY')
    const { message, thread } = await conversations.agentMessage(channel, { ...normalised, ...(threadId ? { threadId } : {}) })
    const customer = await store.getCustomer(channel.id, thread.customerId)
    const [firstName, ...rest] = (customer?.name ?? thread.customerId).split(' ')
    return {
      message: { idOnExternalPlatform: message.messageId, createdAtWithMilliseconds: new Date(message.createdAt).toISOString(), url: `${opts.publicUrl()}/channels/${channel.id}/messages/${encodeURIComponent(message.messageId)}` },
      thread: { idOnExternalPlatform: thread.threadId },
      endUserIdentities: [{ idOnExternalPlatform: thread.customerId, firstName: firstName ?? '', ...(rest.length ? { lastName: rest.join(' ') } : {}), image: customer?.avatar ?? null }],
      recipients: [{ idOnExternalPlatform: thread.customerId, name: customer?.name ?? thread.customerId, isPrimary: true, isPrivate: false, anonymizedAt: null, anonymizedReason: null }]
    }
  }

  app.post<{ Params: Static<typeof ChannelParamsSchema>, Body: AgentBody }>('/2.0/channel/:channelId/outbound', {
    schema: {
      summary: 'Agent message to the platform (DFO 3.0 outbound); without an open thread it opens a new one',
      tags: ['cxone'], security: [{ bearer: [] }], params: ChannelParamsSchema, body: AgentMessageBodySchema,
      response: { 200: OutboundResponseSchema, ...routeErrors }
    }
  }, async (request) => {
    const channel = access.channelOf(request, request.params.channelId)
    return access.once(request, `outbound:${channel.id}`, () => agentMessage(channel, request.body, request.body.thread?.idOnExternalPlatform))
  })

  app.post<{ Params: Static<typeof PostParamsSchema>, Body: AgentBody }>('/1.0/posts/:postId/messages', {
    schema: {
      summary: 'Legacy agent reply into a thread ("post")', tags: ['cxone'], security: [{ bearer: [] }],
      params: PostParamsSchema, body: AgentMessageBodySchema,
      response: { 200: { type: 'object', properties: { idOnExternalPlatform: { type: 'string' } }, required: ['idOnExternalPlatform'] }, ...routeErrors }
    }
  }, async (request) => {
    // thread ids are unique per channel only, and M2 names no channel: look among those this client may use
    const postId = request.params.postId
    const found: Array<{ channel: ChannelRuntime, thread: Thread }> = []
    for (const ch of channels.all().filter(c => access.mayUse(request, c))) {
      const thread = await store.getThread(ch.id, postId)
      if (thread) found.push({ channel: ch, thread })
    }
    if (found.length === 0) throw hubError('THREAD_UNKNOWN', postId)
    if (found.length > 1) throw hubError('THREAD_AMBIGUOUS', `${postId} (channels ${found.map(f => f.channel.cxoneChannelId).join(', ')})`)
    const { channel, thread } = found[0]
    const result = await access.once(request, `reply:${channel.id}`, () => agentMessage(channel, request.body, thread.threadId))
    return { idOnExternalPlatform: result.message.idOnExternalPlatform }
  })
}
