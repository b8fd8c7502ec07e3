import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { Type, type TSchema, type Static } from 'typebox'
import { Value } from 'typebox/value'
import type { Agent } from './agent.js'
import { Errors, isHubError } from '../errors.js'
import { SANDBOX_AGENT } from './identity.js'
import { FINAL_CONTACT_STATUSES } from './model.js'
import { mintOneTimeToken } from './one-time-tokens.js'
import type { SandboxOptions } from './options.js'
import type { SandboxState, ThreadView } from './state.js'

const Text = Type.String({ minLength: 1, maxLength: 10_000 })
const ReplySchema = Type.Object({ text: Text }, { additionalProperties: false })
const TypingSchema = Type.Object({ action: Type.Union([Type.Literal('isTypingOn'), Type.Literal('isTypingOff')]) }, { additionalProperties: false })
const OutboundSchema = Type.Object({ channelId: Type.String({ minLength: 1 }), customerId: Type.String({ minLength: 1 }), text: Text }, { additionalProperties: false })

function parse<S extends TSchema> (schema: S, body: unknown): Static<S> {
  if (Value.Check(schema, body)) return body as Static<S>
  const e = Value.Errors(schema, body)[0]
  throw new Errors.SANDBOX_BAD_REQUEST(`${e?.instancePath || 'body'} ${e?.message ?? 'is invalid'}`)
}

type Params = { Params: { threadId: string } }

/** The small JSON API the agent console polls and posts to (never faulted: faults are for the DFO side). */
export function consoleApi (opts: SandboxOptions, state: SandboxState, agent: Agent): FastifyPluginAsync {
  const channelNames = async () => new Map((await state.listChannels()).map(c => [c.id, c.name]))
  const summary = async (v: ThreadView, names: Map<string, string>) => ({
    id: v.id,
    idOnExternalPlatform: v.idOnExternalPlatform,
    channelId: v.channelId,
    channelName: names.get(v.channelId) ?? v.channelId,
    customerId: v.customerId,
    customerName: (await state.getCustomer(v.channelId, v.customerId))?.name ?? v.customerId,
    // ended for the agent when the thread is archived or its case is closed (a new customer message reopens it)
    status: v.canAddMoreMessages && !(v.contact && FINAL_CONTACT_STATUSES.includes(v.contact.status)) ? 'open' : 'closed',
    canAddMoreMessages: v.canAddMoreMessages,
    contactId: v.contact?.id,
    contactStatus: v.contact?.status,
    customerTyping: v.customerTyping,
    lastActivityAt: v.lastActivityAt
  })

  return async (app) => {
    app.setErrorHandler((err: Error & { statusCode?: number, code?: string }, _req, reply: FastifyReply) => {
      const status = err.statusCode ?? 500
      const own = isHubError(err) && err.code.startsWith('BYOC_ERR_SANDBOX_') // its message is the sandbox's, never hidden
      const code = own ? err.code : status < 500 ? Errors.SANDBOX_BAD_REQUEST.code : Errors.SANDBOX_INTERNAL.code
      if (status >= 500 && !own) app.log.error({ err }, 'sandbox console API failed')
      return reply.code(status).send({ error: { code, message: status >= 500 && !own ? 'Internal error' : err.message } })
    })

    app.get('/threads', async () => {
      const names = await channelNames()
      // as in CXone, the agent sees a conversation once it has a case: a thread whose first message is still being
      // created (thread made, customer and case a few writes later) is not one to reply to or end yet
      const views = (await Promise.all((await state.listThreads()).map(t => state.view(t)))).filter(v => v.contact !== undefined)
      views.sort((a, b) => b.lastActivityAt - a.lastActivityAt)
      return Promise.all(views.map(v => summary(v, names)))
    })

    app.get<Params>('/threads/:threadId', async (req) => {
      const t = await state.getThread(req.params.threadId)
      if (!t) throw new Errors.SANDBOX_NOT_FOUND(`Thread ${req.params.threadId} not found`)
      const messages = await Promise.all((await state.listMessages(t.id)).map(async m => {
        const delivery = m.idOnExternalPlatform && m.direction === 'outbound' ? await state.getMessageStatus(m.channelId, m.idOnExternalPlatform) : undefined
        return {
          id: m.id, idOnExternalPlatform: m.idOnExternalPlatform, direction: m.direction, text: m.text, attachments: m.attachments,
          authorName: m.authorName, createdAt: m.createdAt, status: delivery?.status ?? m.sendState, error: m.error ?? delivery?.reason
        }
      }))
      return { thread: await summary(await state.view(t), await channelNames()), messages }
    })

    app.post<Params>('/threads/:threadId/reply', async (req) => agent.reply(req.params.threadId, parse(ReplySchema, req.body).text))
    app.post<Params>('/threads/:threadId/typing', async (req, reply) => {
      await agent.typing(req.params.threadId, parse(TypingSchema, req.body).action)
      return reply.code(204).send()
    })
    app.post<Params>('/threads/:threadId/end', async (req, reply) => {
      await agent.end(req.params.threadId)
      return reply.code(204).send()
    })

    app.get('/customers', async () => {
      const names = await channelNames()
      return (await state.listCustomers()).map(c => ({ channelId: c.channelId, channelName: names.get(c.channelId) ?? c.channelId, customerId: c.idOnExternalPlatform, name: c.name }))
    })
    app.post('/outbound', async (req) => {
      const b = parse(OutboundSchema, req.body)
      const { thread, message } = await agent.outbound(b.channelId, b.customerId, b.text)
      return { threadId: thread.id, message }
    })

    // Integrations: what an admin clicking the BYOC button in CXone would open.
    app.post('/integrations/one-time-token', async (req) => {
      const urls = opts.hub.actionUrls?.()
      if (!urls) throw new Errors.SANDBOX_NOT_CONFIGURED('The hub\'s action URLs are not configured')
      const token = await mintOneTimeToken(opts.store, opts.brandId, SANDBOX_AGENT.id)
      const apiHost = `${req.protocol}://${req.host}${app.prefix.replace(/\/console\/api$/, '')}`
      const query = new URLSearchParams({
        userId: String(SANDBOX_AGENT.id), brandId: String(opts.brandId), token, apiHost, backUrl: `${apiHost}/console/`
      }).toString()
      return { token, links: { add: `${urls.add}?${query}`, reconnect: `${urls.reconnect}?${query}`, remove: `${urls.remove}?${query}` } }
    })
  }
}
