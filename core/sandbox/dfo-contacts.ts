import type { FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import { checkBody, dfoError, sendDfoError } from './dfo-errors.js'
import { CONTACT_STATUSES, type SbContact } from './model.js'
import { contactPage, parseContactSearch } from './contact-search.js'
import type { SandboxState } from './state.js'

const ContactStatusSchema = Type.Object({
  status: Type.Union(CONTACT_STATUSES.map(s => Type.Literal(s))),
  updatedByUserId: Type.Optional(Type.Union([Type.String(), Type.Number()]))
}, { additionalProperties: true })

/** DFO's Contact as get-contact and the contacts search return it (the fields S7's schema names). */
export async function contactView (state: SandboxState, c: SbContact): Promise<Record<string, unknown>> {
  const [thread, customer] = await Promise.all([state.getThread(c.threadId), state.getCustomer(c.channelId, c.customerId)])
  return {
    id: c.id,
    status: c.status,
    statusUpdatedAt: new Date(c.statusUpdatedAt).toISOString(),
    createdAt: new Date(c.createdAt).toISOString(),
    channelId: c.channelId,
    threadId: c.threadId,
    threadIdOnExternalPlatform: thread?.idOnExternalPlatform,
    direction: 'inbound',
    authorEndUserIdentity: {
      idOnExternalPlatform: c.customerId,
      ...(customer?.firstName ? { firstName: customer.firstName } : {}),
      ...(customer?.lastName ? { lastName: customer.lastName } : {}),
      nickname: customer?.name ?? c.customerId
    }
  }
}

/** C12 contact status, C19 contacts search, C20 get contact: the cases CXone keeps for each thread. */
export function contactRoutes (state: SandboxState): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Record<string, string | string[] | undefined> }>('/contacts', async (req, reply) => {
      const search = parseContactSearch(req.query)
      if (!search.ok) return dfoError(reply, 400, 'invalidValue', search.message, search.field)
      const page = contactPage(await state.listContacts(), search.value)
      return {
        hits: page.hits,
        data: await Promise.all(page.data.map(c => contactView(state, c))),
        ...(page.scrollToken ? { scrollToken: page.scrollToken } : {})
      }
    })

    app.get<{ Params: { contactId: string } }>('/contacts/:contactId', async (req, reply) => {
      const contact = await state.getContact(req.params.contactId)
      if (!contact) return dfoError(reply, 404, 'contactNotFound', `Contact ${req.params.contactId} not found`)
      return contactView(state, contact)
    })

    app.put<{ Params: { contactId: string } }>('/contacts/:contactId/status', async (req, reply) => {
      const checked = checkBody(ContactStatusSchema, req.body)
      if (!checked.ok) return sendDfoError(reply, 400, checked.items)
      const contact = await state.getContact(req.params.contactId)
      if (!contact) return dfoError(reply, 404, 'contactNotFound', `Contact ${req.params.contactId} not found`)
      await state.setContactStatus(contact, checked.value.status)
      return reply.code(200).send({})
    })
  }
}
