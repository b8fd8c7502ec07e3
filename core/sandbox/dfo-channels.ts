import type { FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import { checkBody, dfoError, sendDfoError } from './dfo-errors.js'
import type { SbChannel } from './model.js'
import type { SandboxState } from './state.js'

/** C2 NewChannel: the required fields per the contract; every other flag is kept as sent. */
export const NewChannelSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 255 }),
  idOnExternalPlatform: Type.String({ minLength: 1, maxLength: 255 }),
  channelIntegrationId: Type.String({ minLength: 1 }),
  realExternalPlatformId: Type.String({ minLength: 1 }),
  name: Type.String({ minLength: 1 }),
  isPrivate: Type.Boolean(),
  hasTreeStructure: Type.Boolean()
}, { additionalProperties: true })

/** The flags DFO reports for a BYOC channel unless the creator set them. */
const DEFAULT_FLAGS = { hasReply: true, hasOutboundFlow: true, hasManualOutboundFlow: true, canSendSenderActions: true, isTrackingMessageDeliveryStatus: true }

export function seedChannel (id: string, name: string): SbChannel {
  return {
    ...DEFAULT_FLAGS, id, idOnExternalPlatform: id, channelIntegrationId: 'sandbox', realExternalPlatformId: 'custom',
    name, isPrivate: false, hasTreeStructure: false, createdAt: new Date().toISOString()
  }
}

/** C2 create-or-update, C3 list, C4 delete. */
export function channelRoutes (state: SandboxState): FastifyPluginAsync {
  return async (app) => {
    app.post('/channels', async (req, reply) => {
      const checked = checkBody(NewChannelSchema, req.body)
      if (!checked.ok) return sendDfoError(reply, 400, checked.items)
      const existing = await state.getChannel(checked.value.id)
      const channel: SbChannel = { ...DEFAULT_FLAGS, ...existing, ...checked.value, createdAt: existing?.createdAt ?? new Date().toISOString() }
      await state.putChannel(channel)
      return reply.code(existing ? 200 : 201).send(channel)
    })

    app.get<{ Querystring: Record<string, string | string[] | undefined> }>('/channels', async (req) => {
      const ids = req.query['id[]'] ?? req.query.id
      const wanted = ids === undefined ? undefined : new Set(Array.isArray(ids) ? ids : [ids])
      const all = await state.listChannels()
      return all.filter(c => !wanted || wanted.has(c.id)).sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    })

    app.delete<{ Params: { channelId: string } }>('/channels/:channelId', async (req, reply) => {
      if (!await state.deleteChannel(req.params.channelId)) return dfoError(reply, 404, 'channelNotFound', `Channel ${req.params.channelId} not found`)
      return reply.code(204).send()
    })
  }
}
