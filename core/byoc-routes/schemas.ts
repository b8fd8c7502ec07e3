import { Type } from 'typebox'
import { AttachmentRefSchema, MessageContentSchema, RecipientSchema } from '../plugin-api/cxone-types.js'
import { IdSchema } from '../plugin-api/id-rule.js'

/** Bodies CXone sends the hub. Fields the contract marks unknown are accepted and kept (additionalProperties). */
const loose = { additionalProperties: true } as const

export const ErrorBodySchema = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Array(Type.String())) })
}, { $id: 'ErrorBody' })

const BrandSchema = Type.Object({ id: Type.Optional(Type.Union([Type.Integer(), Type.String()])), friendlyName: Type.Optional(Type.String()) }, loose)
const AuthorUserSchema = Type.Object({ firstName: Type.Optional(Type.String()), lastName: Type.Optional(Type.String()), nickname: Type.Optional(Type.String()) }, loose)

/** M3 `POST /2.0/channel/:channelId/outbound` (and, as far as known, the M2 legacy reply body). */
export const AgentMessageBodySchema = Type.Object({
  brand: Type.Optional(BrandSchema),
  thread: Type.Optional(Type.Object({ idOnExternalPlatform: Type.Optional(IdSchema), threadName: Type.Optional(Type.String()) }, loose)),
  messageContent: MessageContentSchema,
  endUserRecipients: Type.Optional(Type.Array(RecipientSchema, { maxItems: 50 })),
  recipients: Type.Optional(Type.Array(RecipientSchema, { maxItems: 50 })),
  replyToMessage: Type.Optional(Type.Object({ idOnExternalPlatform: Type.Optional(IdSchema) }, loose)),
  isReplyToSpecificMessage: Type.Optional(Type.Boolean()),
  attachments: Type.Optional(Type.Array(AttachmentRefSchema, { maxItems: 20 })),
  authorUser: Type.Optional(AuthorUserSchema),
  title: Type.Optional(Type.Union([Type.String(), Type.Null()]))
}, loose)

export const OutboundResponseSchema = Type.Object({
  message: Type.Object({ idOnExternalPlatform: Type.String(), createdAtWithMilliseconds: Type.String(), url: Type.Optional(Type.String()) }),
  thread: Type.Object({ idOnExternalPlatform: Type.String() }),
  endUserIdentities: Type.Array(Type.Object({ idOnExternalPlatform: Type.String(), firstName: Type.Optional(Type.String()), lastName: Type.Optional(Type.String()), nickname: Type.Optional(Type.String()), image: Type.Union([Type.String(), Type.Null()]) })),
  recipients: Type.Array(Type.Object({ idOnExternalPlatform: Type.String(), name: Type.Optional(Type.String()), isPrimary: Type.Boolean(), isPrivate: Type.Boolean(), anonymizedAt: Type.Null(), anonymizedReason: Type.Null() }))
})

export const SenderActionBodySchema = Type.Object({
  brand: Type.Optional(BrandSchema),
  senderAction: Type.Object({ action: Type.Union([Type.Literal('isTypingOn'), Type.Literal('isTypingOff')]) }, loose),
  authorUser: Type.Optional(AuthorUserSchema)
}, loose)

export const RecipientValidationBodySchema = Type.Object({
  endUserRecipients: Type.Array(RecipientSchema, { minItems: 1, maxItems: 50 })
}, loose)

export const ChannelParamsSchema = Type.Object({ channelId: Type.String({ minLength: 1, maxLength: 255 }) })
export const ThreadParamsSchema = Type.Object({ channelId: Type.String({ minLength: 1, maxLength: 255 }), threadId: IdSchema })
export const PostParamsSchema = Type.Object({ postId: IdSchema })

/** The error answers every route CXone calls may give, for the OpenAPI document and the serializer. */
export const routeErrors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema }
