import { Type, type Static } from '@byoc-hub/plugin-api'
import { MAX_TEXT_LENGTH } from './outbound.js'

// HTTP bodies and WebSocket frames (client -> server). Server -> client frames are documented in README.md
// and typed in web/protocol.ts.

export const AVATARS = ['lion', 'zebra', 'giraffe', 'elephant', 'hippo', 'rhino', 'leopard', 'monkey'] as const

const AvatarSchema = Type.Union(AVATARS.map(a => Type.Literal(a)))
const TokenSchema = Type.String({ minLength: 1, maxLength: 200 })
const NameSchema = Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' })
/** a BCP 47 language tag as browsers give them (en, fr-CA, zh-Hant-TW) */
const LocaleSchema = Type.String({ minLength: 2, maxLength: 35, pattern: '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$' })

export const IdentityBodySchema = Type.Object({
  name: NameSchema,
  avatar: AvatarSchema,
  /** a token from an earlier visit keeps the same customer id (renaming keeps the conversation) */
  token: Type.Optional(TokenSchema),
  /** the customer's language (the page's): kept with the customer, so the hub's idle lines are written in it */
  locale: Type.Optional(LocaleSchema)
}, { additionalProperties: false })
export type IdentityBody = Static<typeof IdentityBodySchema>

export const AttachmentBodySchema = Type.Object({
  friendlyName: Type.String({ minLength: 1, maxLength: 200 }),
  mimeType: Type.String({ minLength: 3, maxLength: 100, pattern: '^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$' }),
  contentBase64: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9+/]*={0,2}$' })
}, { additionalProperties: false })
export type AttachmentBody = Static<typeof AttachmentBodySchema>

const ThreadIdSchema = Type.String({ minLength: 1, maxLength: 255 })
const ClientMessageIdSchema = Type.String({ pattern: '^[A-Za-z0-9-]{8,64}$' })

const SealedAttachmentSchema = Type.Object({
  friendlyName: Type.String({ minLength: 1, maxLength: 200 }),
  url: Type.String({ minLength: 1, maxLength: 2000 }),
  mimeType: Type.String({ minLength: 3, maxLength: 100 }),
  seal: Type.String({ minLength: 1, maxLength: 100 })
}, { additionalProperties: false })

/** One schema per client frame type, so a bad frame gets an error about its own fields. */
export const ClientFrameSchemas = {
  hello: Type.Object({
    type: Type.Literal('hello'),
    token: TokenSchema,
    lastSeq: Type.Optional(Type.Record(ThreadIdSchema, Type.Integer({ minimum: 0 }), { maxProperties: 20 })),
    /** the page's language now: a customer who comes back in another language is spoken to in it */
    locale: Type.Optional(LocaleSchema)
  }, { additionalProperties: false }),
  message: Type.Object({
    type: Type.Literal('message'),
    clientMessageId: ClientMessageIdSchema,
    text: Type.String({ maxLength: MAX_TEXT_LENGTH }),
    attachments: Type.Optional(Type.Array(SealedAttachmentSchema, { maxItems: 5 }))
  }, { additionalProperties: false }),
  typing: Type.Object({ type: Type.Literal('typing'), on: Type.Boolean() }, { additionalProperties: false }),
  read: Type.Object({
    type: Type.Literal('read'),
    messageId: Type.String({ minLength: 1, maxLength: 255 }),
    status: Type.Optional(Type.Union([Type.Literal('delivered'), Type.Literal('seen')]))
  }, { additionalProperties: false }),
  activity: Type.Object({ type: Type.Literal('activity') }, { additionalProperties: false }),
  /** where this tab is: chat open and in view, chat closed, page hidden, page being left */
  presence: Type.Object({
    type: Type.Literal('presence'),
    state: Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('hidden'), Type.Literal('unload')])
  }, { additionalProperties: false }),
  'new-chat': Type.Object({ type: Type.Literal('new-chat') }, { additionalProperties: false })
}
export type ClientFrame = { [K in keyof typeof ClientFrameSchemas]: Static<typeof ClientFrameSchemas[K]> }[keyof typeof ClientFrameSchemas]
