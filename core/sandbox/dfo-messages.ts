import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import { CxoneInboundMessageSchema, type CxoneInboundMessage } from '../plugin-api/cxone-types.js'
import { checkBody, dfoError, sendDfoError } from './dfo-errors.js'
import type { SbContact, SbMessage, SbThread } from './model.js'
import type { SandboxState } from './state.js'

const StatusSchema = Type.Object({
  status: Type.Union([Type.Literal('delivered'), Type.Literal('seen'), Type.Literal('failed')]),
  updatedAt: Type.String({ minLength: 1 }),
  reason: Type.Optional(Type.String())
}, { additionalProperties: true })

const SenderActionSchema = Type.Object({
  action: Type.Union([Type.Literal('isTypingOn'), Type.Literal('isTypingOff')])
}, { additionalProperties: true })

type ChannelParams = { channelId: string }

export const customerName = (a: CxoneInboundMessage['authorEndUserIdentity']): string =>
  [a.firstName, a.lastName].filter(Boolean).join(' ') || a.nickname || a.idOnExternalPlatform

function createdResponse (thread: SbThread, contact: SbContact | undefined, m: SbMessage) {
  return {
    consumerContact: {
      id: contact?.id, status: contact?.status, threadId: thread.id, threadIdOnExternalPlatform: thread.idOnExternalPlatform,
      channelId: thread.channelId, customerId: thread.customerId, createdAt: contact ? new Date(contact.createdAt).toISOString() : undefined
    },
    message: {
      id: m.id, idOnExternalPlatform: m.idOnExternalPlatform, threadId: thread.id, threadIdOnExternalPlatform: thread.idOnExternalPlatform,
      channelId: m.channelId, direction: m.direction, messageContent: { type: 'TEXT', payload: { text: m.text } },
      attachments: m.attachments, createdAt: new Date(m.createdAt).toISOString()
    }
  }
}

/** C1 create message, C5 message status, C6 customer sender actions. */
export function messageRoutes (state: SandboxState): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Params: ChannelParams }>('/channels/:channelId/messages', async (req, reply) => {
      const { channelId } = req.params
      const checked = checkBody(CxoneInboundMessageSchema, req.body)
      if (!checked.ok) return sendDfoError(reply, 400, checked.items)
      const body = checked.value
      const channel = await state.getChannel(channelId)
      if (!channel) return dfoError(reply, 404, 'channelNotFound', `Channel ${channelId} not found`)

      const repeat = async (ids: { threadId: string, messageId: string }) => {
        const [t, m] = await Promise.all([state.getThread(ids.threadId), state.getMessage(ids.threadId, ids.messageId)])
        return t && m ? createdResponse(t, await state.threadContact(t.id), m) : undefined
      }
      const seen = await state.peekInbound(channelId, body.idOnExternalPlatform)
      if (seen) {
        const first = await repeat(seen)
        if (first) return first
      }
      const author = body.authorEndUserIdentity
      const existing = await state.findThread(channelId, body.thread.idOnExternalPlatform)
      if (existing && !await state.isOpen(existing.id)) {
        return dfoError(reply, 400, 'cannotAddMoreMessagesToPost', 'The thread is closed for adding new messages', 'thread.idOnExternalPlatform')
      }
      const thread = existing ?? await state.ensureThread(channelId, body.thread.idOnExternalPlatform, author.idOnExternalPlatform, body.thread.threadName)
      const claim = await state.claimInbound(channelId, body.idOnExternalPlatform, { threadId: thread.id, messageId: randomUUID() })
      if (!claim.created) {
        const first = await repeat(claim)
        if (first) return first
        return dfoError(reply, 409, 'messageBeingCreated', 'A message with this idOnExternalPlatform is being created')
      }
      // an outbound line (the brand speaking, e.g. the hub's idle prompt) names the end user only to file it: their profile stays
      if (body.direction === 'inbound') {
        await state.putCustomer({
          channelId, idOnExternalPlatform: author.idOnExternalPlatform, name: customerName(author),
          ...(author.firstName ? { firstName: author.firstName } : {}), ...(author.lastName ? { lastName: author.lastName } : {}),
          ...(author.image !== undefined ? { image: author.image } : {})
        })
      }
      const contact = await state.activeContact(thread)
      const message: SbMessage = {
        ...state.newMessage({
          channelId, threadId: thread.id, direction: body.direction, idOnExternalPlatform: body.idOnExternalPlatform,
          text: body.messageContent.payload.text ?? body.messageContent.fallbackText ?? `[${body.messageContent.type}]`,
          attachments: (body.attachments ?? []).map(a => ({ friendlyName: a.friendlyName, url: a.url })),
          // an 'outbound' create-message records what the brand itself said on the platform
          authorName: body.direction === 'inbound' ? customerName(author) : channel.name, raw: body
        }),
        id: claim.messageId
      }
      await state.putMessage(message)
      await state.markInboundSeen(channelId, body.idOnExternalPlatform, claim)
      await Promise.all([state.touch(thread.id), ...(body.direction === 'inbound' ? [state.setCustomerTyping(thread.id, false)] : [])])
      return createdResponse(thread, contact, message)
    })

    app.put<{ Params: ChannelParams & { messageId: string } }>('/channels/:channelId/messages/:messageId/status', async (req, reply) => {
      const checked = checkBody(StatusSchema, req.body)
      if (!checked.ok) return sendDfoError(reply, 400, checked.items)
      if (!await state.getChannel(req.params.channelId)) return dfoError(reply, 404, 'channelNotFound', `Channel ${req.params.channelId} not found`)
      const { status, updatedAt, reason } = checked.value
      const current = await state.getMessageStatus(req.params.channelId, req.params.messageId)
      if (current?.status === 'seen' && status !== 'seen') return reply.code(200).send({}) // statuses only move forward
      // Accepted even before the sandbox recorded the hub's answer for that message: the hub may report delivery first.
      await state.setMessageStatus(req.params.channelId, req.params.messageId, { status, updatedAt, ...(reason ? { reason } : {}) })
      return reply.code(200).send({})
    })

    app.post<{ Params: ChannelParams & { threadId: string } }>('/channels/:channelId/threads/:threadId/sender-actions', async (req, reply) => {
      const checked = checkBody(SenderActionSchema, req.body)
      if (!checked.ok) return sendDfoError(reply, 400, checked.items)
      const thread = await state.findThread(req.params.channelId, req.params.threadId)
      if (!thread) return dfoError(reply, 404, 'threadNotFound', `Thread ${req.params.threadId} not found`)
      await state.setCustomerTyping(thread.id, checked.value.action === 'isTypingOn')
      return reply.code(204).send()
    })
  }
}
