import type {} from '@fastify/swagger'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Static } from 'typebox'
import type { ChannelRegistry, ChannelRuntime } from '../channels/runtime.js'
import type { ConversationService } from '../conversations/service.js'
import type { Store, Thread } from '../store/types.js'
import { hubError } from '../errors.js'
import {
  AgentMessageBodySchema, ChannelParamsSchema, ErrorBodySchema, OutboundResponseSchema, PostParamsSchema,
  RecipientValidationBodySchema, SenderActionBodySchema, ThreadParamsSchema
} from './route-schemas.js'

type AgentBody = Static<typeof AgentMessageBodySchema>
export interface CxoneRoutesOptions {
  channels: ChannelRegistry
  conversations: ConversationService
  store: Store
  publicUrl: () => string
  /** clients bound to some channels only (auth.clients[].channels); a client not listed may act on every channel */
  clientChannels?: ReadonlyMap<string, ReadonlySet<string>>
}

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema }

/** M2..M5: what CXone calls on the hub. Mounted under server.basePath; every route needs the hub's bearer token. */
export async function cxoneRoutes (app: FastifyInstance, opts: CxoneRoutesOptions): Promise<void> {
  const { channels, conversations, store } = opts
  app.addHook('onRequest', app.requireCxone)
  // CXone speaks JSON; anything else is refused with 415 instead of reaching validation as a string
  app.removeContentTypeParser('text/plain')

  /** A client bound to some channels sees the others as unknown: their existence is not revealed. */
  const mayUse = (request: FastifyRequest, channel: ChannelRuntime): boolean => {
    const bound = opts.clientChannels?.get((request.user as { sub?: string } | undefined)?.sub ?? '')
    return !bound || bound.has(channel.id)
  }
  const channelOf = (request: FastifyRequest, cxoneChannelId: string): ChannelRuntime => {
    const channel = channels.getByCxoneId(cxoneChannelId) ?? channels.get(cxoneChannelId)
    if (!channel || !mayUse(request, channel)) throw hubError('CHANNEL_UNKNOWN', cxoneChannelId)
    return channel
  }

  /** CXone may retry a call: an Idempotency-Key header (if it sends one) returns the first answer. */
  const once = async <T>(request: FastifyRequest, scope: string, work: () => Promise<T>): Promise<T> => {
    const key = request.headers['idempotency-key']
    if (typeof key !== 'string' || key.length === 0 || key.length > 255) return work()
    const seen = await store.getDoc<T>(`idem:${scope}`, key)
    if (seen !== undefined) return seen
    const result = await work()
    await store.putDoc(`idem:${scope}`, key, result)
    return result
  }

  const agentMessage = async (channel: ChannelRuntime, body: AgentBody, threadId: string | undefined) => {
    const recipients = body.endUserRecipients ?? body.recipients ?? []
    const primary = recipients.find(r => r.isPrimary) ?? recipients[0]
    const text = body.messageContent.payload.text ?? body.messageContent.fallbackText ?? ''
    const attachments = (body.attachments ?? []).map(a => ({ friendlyName: a.friendlyName, url: a.url, ...(a.mimeType ? { mimeType: a.mimeType } : {}) }))
    if (text.length === 0 && attachments.length === 0) throw hubError('MESSAGE_EMPTY')
    const author = [body.authorUser?.firstName, body.authorUser?.lastName].filter(Boolean).join(' ') || body.authorUser?.nickname
    const { message, thread } = await conversations.agentMessage(channel, {
      ...(threadId ? { threadId } : {}),
      ...(primary ? { recipient: { idOnExternalPlatform: primary.idOnExternalPlatform, ...(primary.name ? { name: primary.name } : {}) } } : {}),
      text, attachments, ...(author ? { authorName: author } : {}), raw: body
    })
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
      response: { 200: OutboundResponseSchema, ...errors }
    }
  }, async (request) => {
    const channel = channelOf(request, request.params.channelId)
    return once(request, `outbound:${channel.id}`, () => agentMessage(channel, request.body, request.body.thread?.idOnExternalPlatform))
  })

  app.post<{ Params: Static<typeof PostParamsSchema>, Body: AgentBody }>('/1.0/posts/:postId/messages', {
    schema: {
      summary: 'Legacy agent reply into a thread ("post")', tags: ['cxone'], security: [{ bearer: [] }],
      params: PostParamsSchema, body: AgentMessageBodySchema,
      response: { 200: { type: 'object', properties: { idOnExternalPlatform: { type: 'string' } }, required: ['idOnExternalPlatform'] }, ...errors }
    }
  }, async (request) => {
    // thread ids are unique per channel only, and M2 names no channel: look among those this client may use
    const postId = request.params.postId
    const found: Array<{ channel: ChannelRuntime, thread: Thread }> = []
    for (const ch of channels.all().filter(c => mayUse(request, c))) {
      const thread = await store.getThread(ch.id, postId)
      if (thread) found.push({ channel: ch, thread })
    }
    if (found.length === 0) throw hubError('THREAD_UNKNOWN', postId)
    if (found.length > 1) throw hubError('THREAD_AMBIGUOUS', `${postId} (channels ${found.map(f => f.channel.cxoneChannelId).join(', ')})`)
    const { channel, thread } = found[0]
    const result = await once(request, `reply:${channel.id}`, () => agentMessage(channel, request.body, thread.threadId))
    return { idOnExternalPlatform: result.message.idOnExternalPlatform }
  })

  app.post<{ Params: Static<typeof ThreadParamsSchema>, Body: Static<typeof SenderActionBodySchema> }>('/1.0/channel/:channelId/thread/:threadId/sender-action', {
    schema: {
      summary: 'Agent typing indicator', tags: ['cxone'], security: [{ bearer: [] }],
      params: ThreadParamsSchema, body: SenderActionBodySchema, response: { 204: { type: 'null' }, ...errors }
    }
  }, async (request, reply) => {
    const channel = channelOf(request, request.params.channelId)
    await conversations.agentTyping(channel, request.params.threadId, request.body.senderAction.action === 'isTypingOn')
    return reply.code(204).send()
  })

  app.post<{ Params: Static<typeof ChannelParamsSchema>, Body: Static<typeof RecipientValidationBodySchema> }>('/1.0/channel/:channelId/recipients/validation', {
    schema: {
      summary: 'Check recipients before a manual outbound', tags: ['cxone'], security: [{ bearer: [] }],
      params: ChannelParamsSchema, body: RecipientValidationBodySchema
    }
  }, async (request, reply) => {
    const channel = channelOf(request, request.params.channelId)
    const unknown: string[] = []
    for (const r of request.body.endUserRecipients) {
      if (!await store.getCustomer(channel.id, r.idOnExternalPlatform)) unknown.push(r.idOnExternalPlatform)
    }
    if (unknown.length > 0) {
      // the error model seen in NICE's sample (cxone-byoc-api.md M4)
      return reply.code(400).send({
        displayErrorMessage: 'Unknown recipient', errorCode: 'outboundValidationFailed',
        errors: unknown.map(id => ({ path: ['idOnExternalPlatform'], message: `recipient ${id} is unknown on channel ${channel.id}` })),
        error: { code: 'BYOC_ERR_RECIPIENT_UNKNOWN', message: 'Recipient is unknown on this channel' }
      })
    }
    return { status: 'valid' }
  })
}
