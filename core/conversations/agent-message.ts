import type { AttachmentRef, CxoneOutboundMessage, MessageContent, Recipient } from '../plugin-api/index.js'
import type { StoredMessage } from '../store/types.js'

/** The fields of CXone's agent message body (M2 reply, M5 outbound) the hub reads; the route validated them. */
export interface CxoneAgentBody {
  readonly messageContent: MessageContent
  readonly endUserRecipients?: ReadonlyArray<Recipient>
  readonly recipients?: ReadonlyArray<Recipient>
  readonly attachments?: ReadonlyArray<AttachmentRef>
  readonly authorUser?: { readonly firstName?: string, readonly lastName?: string, readonly nickname?: string }
}

type AuthorUser = NonNullable<CxoneOutboundMessage['authorUser']>

/**
 * What an agent message keeps beside its text, attachments and author name: the rest of what the outbound translator
 * gets, in the form it gets it. Stored as the message row's `raw`; `form` tells it from rows written before it
 * existed, whose `raw` was CXone's body itself.
 */
export interface AgentMessageDetails {
  readonly form: typeof DETAILS_FORM
  readonly messageContent: MessageContent
  /** CXone's `endUserRecipients`; empty means "the thread's customer" */
  readonly recipients: ReadonlyArray<Recipient>
  readonly authorUser?: AuthorUser
  /** CXone's body as sent, unknown fields included: handed to translators as `raw`, never read by the hub */
  readonly body: unknown
}

const DETAILS_FORM = 'agent-message/1'

/** An agent message as the conversation service stores it. */
export interface NormalisedAgentMessage {
  /** whom a direct message (no known thread) is for: CXone's primary recipient */
  readonly recipient?: { readonly idOnExternalPlatform: string, readonly name?: string }
  readonly text: string
  readonly attachments: ReadonlyArray<{ friendlyName: string, url: string, mimeType?: string }>
  readonly authorName?: string
  readonly details: AgentMessageDetails
}

/** CXone's body, read once (at the route): everything later reads the result, never the body. */
export function normaliseAgentBody (body: CxoneAgentBody): NormalisedAgentMessage {
  const addressed = body.endUserRecipients ?? body.recipients ?? []
  const primary = addressed.find(r => r.isPrimary) ?? addressed[0]
  const author = body.authorUser
  const authorName = [author?.firstName, author?.lastName].filter(Boolean).join(' ') || author?.nickname
  return {
    ...(primary ? { recipient: { idOnExternalPlatform: primary.idOnExternalPlatform, ...(primary.name ? { name: primary.name } : {}) } } : {}),
    text: body.messageContent.payload.text ?? body.messageContent.fallbackText ?? '',
    attachments: (body.attachments ?? []).map(a => ({ friendlyName: a.friendlyName, url: a.url, ...(a.mimeType ? { mimeType: a.mimeType } : {}) })),
    ...(authorName ? { authorName } : {}),
    details: {
      form: DETAILS_FORM,
      messageContent: body.messageContent,
      recipients: body.endUserRecipients ?? [],
      ...(author && typeof author === 'object' ? { authorUser: author } : {}),
      body
    }
  }
}

/**
 * The details of a stored agent message. Rows stored before the details existed kept CXone's body as `raw` (the
 * route had validated it then): they are read through the same normaliser, so they still deliver.
 */
export function agentMessageDetails (m: StoredMessage): AgentMessageDetails {
  const raw = m.raw as Partial<AgentMessageDetails> | undefined
  if (raw?.form === DETAILS_FORM) return raw as AgentMessageDetails
  const legacy = (m.raw ?? {}) as Partial<CxoneAgentBody>
  const content = legacy.messageContent && typeof legacy.messageContent === 'object' ? legacy.messageContent : { type: 'TEXT', payload: { text: m.text } }
  const { details } = normaliseAgentBody({
    messageContent: content,
    endUserRecipients: Array.isArray(legacy.endUserRecipients) ? legacy.endUserRecipients : [],
    ...(legacy.authorUser ? { authorUser: legacy.authorUser } : {})
  })
  return { ...details, body: raw ?? {} }
}
