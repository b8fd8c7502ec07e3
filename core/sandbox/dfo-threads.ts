import type { FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import { checkBody, dfoError, sendDfoError } from './dfo-errors.js'
import type { SandboxState } from './state.js'

const UpdateThreadSchema = Type.Object({ canAddMoreMessages: Type.Optional(Type.Boolean()) }, { additionalProperties: true })

/** C7 update thread, C11 search threads. */
export function threadRoutes (state: SandboxState): FastifyPluginAsync {
  return async (app) => {
    app.put<{ Params: { channelId: string, threadId: string } }>('/channels/:channelId/threads/:threadId', async (req, reply) => {
      const checked = checkBody(UpdateThreadSchema, req.body)
      if (!checked.ok) return sendDfoError(reply, 400, checked.items)
      const thread = await state.findThread(req.params.channelId, req.params.threadId)
      if (!thread) return dfoError(reply, 404, 'threadNotFound', `Thread ${req.params.threadId} not found`)
      if (checked.value.canAddMoreMessages !== undefined) await state.setOpen(thread.id, checked.value.canAddMoreMessages)
      return reply.code(200).send({})
    })

    app.get<{ Querystring: { channelId?: string, query?: string } }>('/threads', async (req) => {
      const ids = req.query.query?.split(/\s+/).filter(Boolean)
      const wanted = ids?.length ? new Set(ids) : undefined
      const threads = (await state.listThreads())
        .filter(t => (!req.query.channelId || t.channelId === req.query.channelId) && (!wanted || wanted.has(t.idOnExternalPlatform)))
      const views = await Promise.all(threads.map(t => state.view(t)))
      return {
        totalRecords: views.length,
        data: views.map(v => ({
          id: v.id, idOnExternalPlatform: v.idOnExternalPlatform, threadName: v.threadName ?? '', channelId: v.channelId, canAddMoreMessages: v.canAddMoreMessages
        }))
      }
    })
  }
}
