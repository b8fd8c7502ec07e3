import { Agent, type Dispatcher } from 'undici'
import type { FastifyBaseLogger } from 'fastify'
import { DfoError, type CreateMessageResult, type CxoneTokenSource, type DfoChannel, type DfoClient, type DfoThread } from './dfo-types.js'
import { createDfoRequester, type DfoCallOptions } from './dfo-request.js'
import type { UrlSource } from './endpoints.js'
import { contactSearchQuery, toContact, toContactPage } from './dfo-contacts.js'

export interface DfoClientOptions {
  /** DFO base, e.g. https://api-de-na1.niceincontact.com (/dfo/3.0 is appended), or a source awaited per call */
  readonly apiBaseUrl: UrlSource
  readonly tokens: CxoneTokenSource
  /** per attempt */
  readonly timeoutMs: number
  readonly retryBaseMs: number
  readonly retryMaxMs: number
  /** attempts when a call does not say (default 3) */
  readonly defaultAttempts?: number
  readonly log?: FastifyBaseLogger
  /** called once per HTTP attempt: outcome is ok | http_4xx | http_429 | http_5xx | timeout | network */
  readonly onCall?: (operation: string, durationMs: number, outcome: string) => void
  /** defaults to a keep-alive Agent owned (and closed) by this client */
  readonly dispatcher?: Dispatcher
}

export type ClosableDfoClient = DfoClient & { close (): Promise<void> }

const seg = encodeURIComponent
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** DFO calls of §3.3 (C1..C20) over undici with retries; see dfo-request.ts for the retry and auth policy. */
export function createDfoClient (opts: DfoClientOptions): ClosableDfoClient {
  const owned = opts.dispatcher === undefined
    ? new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 64 })
    : undefined
  const call = createDfoRequester({
    apiBaseUrl: opts.apiBaseUrl,
    tokens: opts.tokens,
    timeoutMs: opts.timeoutMs,
    retryBaseMs: opts.retryBaseMs,
    retryMaxMs: opts.retryMaxMs,
    defaultAttempts: opts.defaultAttempts ?? 3,
    dispatcher: opts.dispatcher ?? owned as Dispatcher,
    ...(opts.log !== undefined ? { log: opts.log } : {}),
    ...(opts.onCall !== undefined ? { onCall: opts.onCall } : {})
  })
  const noContent = async (p: Promise<unknown>): Promise<void> => { await p }

  return {
    async createMessage (channelId, body, o) {
      const r = await call({ operation: 'createMessage', method: 'POST', path: `/channels/${seg(channelId)}/messages`, body, auth: 'bearer', opts: o })
      return (isObject(r) ? r : {}) as CreateMessageResult
    },
    senderAction (channelId, threadId, action, o) {
      return noContent(call({ operation: 'senderAction', method: 'POST', path: `/channels/${seg(channelId)}/threads/${seg(threadId)}/sender-actions`, body: { action }, auth: 'bearer', opts: o }))
    },
    updateMessageStatus (channelId, messageId, status, updatedAt, o) {
      return noContent(call({ operation: 'updateMessageStatus', method: 'PUT', path: `/channels/${seg(channelId)}/messages/${seg(messageId)}/status`, body: { status, updatedAt }, auth: 'bearer', opts: o }))
    },
    updateThread (channelId, threadId, body, o) {
      return noContent(call({ operation: 'updateThread', method: 'PUT', path: `/channels/${seg(channelId)}/threads/${seg(threadId)}`, body: { canAddMoreMessages: body.canAddMoreMessages }, auth: 'bearer', opts: o }))
    },
    updateContactStatus (contactId, status, o) {
      return noContent(call({ operation: 'updateContactStatus', method: 'PUT', path: `/contacts/${seg(contactId)}/status`, body: { status }, auth: 'bearer', opts: o }))
    },
    async searchThreads (q, o) {
      const params: string[] = []
      if (q.channelId !== undefined) params.push(`channelId=${seg(q.channelId)}`)
      if (q.threadIds !== undefined && q.threadIds.length > 0) params.push(`query=${seg(q.threadIds.join(' '))}`)
      const r = await call({ operation: 'searchThreads', method: 'GET', path: '/threads', query: params.join('&'), auth: 'bearer', opts: o })
      const data = isObject(r) ? r.data : r
      return (Array.isArray(data) ? data.filter(isObject) : []) as DfoThread[]
    },
    async searchContacts (q, o) {
      const r = await call({ operation: 'searchContacts', method: 'GET', path: '/contacts', query: contactSearchQuery(q), auth: 'bearer', opts: o })
      return toContactPage(r)
    },
    async getContact (contactId, o) {
      const r = await call({ operation: 'getContact', method: 'GET', path: `/contacts/${seg(contactId)}`, auth: 'bearer', opts: o })
      const contact = toContact(r)
      if (contact === undefined) throw malformed('getContact', r)
      return contact
    },
    async listChannels (o?: DfoCallOptions) {
      const r = await call({ operation: 'listChannels', method: 'GET', path: '/channels', auth: 'bearer', opts: o })
      // documented as ChannelV2[]; some builds wrap lists in { data }
      const data = isObject(r) ? r.data : r
      return (Array.isArray(data) ? data.filter(isObject) : []) as DfoChannel[]
    },
    async createChannel (channel, o) {
      const r = await call({ operation: 'createChannel', method: 'POST', path: '/channels', body: channel, auth: 'bearer', opts: o })
      // the response shape is undocumented ("any"): prefer what DFO echoes, fall back to what we sent
      return (isObject(r) && typeof r.id === 'string' ? { ...channel, ...r } : { ...channel }) as DfoChannel
    },
    deleteChannel (channelId, o) {
      return noContent(call({ operation: 'deleteChannel', method: 'DELETE', path: `/channels/${seg(channelId)}`, auth: 'bearer', opts: o }))
    },
    async verifyOneTimeToken (body, o) {
      const r = await call({ operation: 'verifyOneTimeToken', method: 'POST', path: '/one-time-token/verification', body, auth: 'none', opts: o })
      if (!isObject(r) || typeof r.accessToken !== 'string') throw malformed('verifyOneTimeToken', r)
      return { brand: isObject(r.brand) ? r.brand : {}, user: isObject(r.user) ? r.user : {}, accessToken: r.accessToken }
    },
    async uploadTemporaryAttachment (content, mimeType, o) {
      const r = await call({ operation: 'uploadTemporaryAttachment', method: 'POST', path: '/attachments/temporary', body: { content, mimeType }, auth: 'bearer', opts: o })
      if (!isObject(r) || r.id === undefined || typeof r.url !== 'string') throw malformed('uploadTemporaryAttachment', r)
      return { id: String(r.id), url: r.url, ...(typeof r.expireAt === 'string' ? { expireAt: r.expireAt } : {}) }
    },
    putCustomFieldDefinition (def, o) {
      return noContent(call({ operation: 'putCustomFieldDefinition', method: 'PUT', path: '/customers/custom-field-definitions', body: def, auth: 'bearer', opts: o }))
    },
    async close () { await owned?.close() }
  }
}

// a 2xx without the fields the caller needs: DFO is misbehaving, which is worth a later retry, not a dead letter
function malformed (operation: string, body: unknown): DfoError {
  return new DfoError('BYOC_ERR_CXONE_UNAVAILABLE', `CXone ${operation} answered 2xx without the expected fields`, { body })
}
