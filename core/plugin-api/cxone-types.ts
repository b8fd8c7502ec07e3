import { Type, type Static } from 'typebox'
import { IdSchema } from './id-rule.js'

/** DFO message content (C1/M3 `messageContent`). Unknown fields are kept, never rejected. */
export const MessageContentSchema = Type.Object({
  type: Type.String({ minLength: 1 }),
  payload: Type.Object({ text: Type.Optional(Type.String()) }, { additionalProperties: true }),
  fallbackText: Type.Optional(Type.String()),
  postback: Type.Optional(Type.String())
}, { additionalProperties: true })
export type MessageContent = Static<typeof MessageContentSchema>

export const AttachmentRefSchema = Type.Object({
  friendlyName: Type.String(),
  url: Type.String({ minLength: 1 }),
  mimeType: Type.Optional(Type.String())
}, { additionalProperties: true })
export type AttachmentRef = Static<typeof AttachmentRefSchema>

export const EndUserIdentitySchema = Type.Object({
  idOnExternalPlatform: IdSchema,
  firstName: Type.Optional(Type.String()),
  lastName: Type.Optional(Type.String()),
  nickname: Type.Optional(Type.String()),
  image: Type.Optional(Type.Union([Type.String(), Type.Null()]))
}, { additionalProperties: true })
export type EndUserIdentity = Static<typeof EndUserIdentitySchema>

export const RecipientSchema = Type.Object({
  idOnExternalPlatform: IdSchema,
  name: Type.Optional(Type.String()),
  isPrimary: Type.Optional(Type.Boolean()),
  isPrivate: Type.Optional(Type.Boolean())
}, { additionalProperties: true })
export type Recipient = Static<typeof RecipientSchema>

export const ThreadRefSchema = Type.Object({
  idOnExternalPlatform: IdSchema,
  threadName: Type.Optional(Type.String())
}, { additionalProperties: true })

/** Body of DFO "create message" (C1): a customer's message on its way to CXone. */
export const CxoneInboundMessageSchema = Type.Object({
  idOnExternalPlatform: IdSchema,
  direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
  createdAtWithMilliseconds: Type.String({ minLength: 1 }),
  thread: ThreadRefSchema,
  messageContent: MessageContentSchema,
  authorEndUserIdentity: EndUserIdentitySchema,
  attachments: Type.Optional(Type.Array(AttachmentRefSchema)),
  recipients: Type.Optional(Type.Array(RecipientSchema))
}, { additionalProperties: true })
export type CxoneInboundMessage = Static<typeof CxoneInboundMessageSchema>

/**
 * What CXone sends the hub for an agent message (M2 legacy reply or M3 outbound), normalised by core:
 * the thread is always resolved and the message has the id the hub minted for it.
 */
export interface CxoneOutboundMessage {
  readonly idOnExternalPlatform: string
  readonly createdAtWithMilliseconds: string
  readonly thread: { readonly idOnExternalPlatform: string }
  readonly messageContent: MessageContent
  readonly recipients: ReadonlyArray<Recipient>
  readonly attachments: ReadonlyArray<AttachmentRef>
  readonly authorUser?: { readonly firstName?: string, readonly lastName?: string, readonly nickname?: string }
  /** the request body exactly as CXone sent it, unknown fields included */
  readonly raw: unknown
}
