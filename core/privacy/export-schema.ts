import { Type, type Static } from 'typebox'

/*
 * The customer export (`byoc-hub customers export`, GET /admin/customers/{channel}/{customer}/export): a JSON
 * transcript of everything the hub holds about one customer of one channel. docs/privacy.md documents each field;
 * this schema is the contract (the admin API's OpenAPI document carries it too).
 */

export const CUSTOMER_EXPORT_FORMAT = 'byoc-hub.customer-export.v1'

const AttachmentSchema = Type.Object({
  friendlyName: Type.String(),
  url: Type.String(),
  mimeType: Type.Optional(Type.String()),
  size: Type.Optional(Type.Number())
})

const MessageSchema = Type.Object({
  messageId: Type.String({ description: 'idOnExternalPlatform' }),
  direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')], { description: 'inbound: from the customer; outbound: from the agent' }),
  seq: Type.Integer({ description: 'position in the thread, from 1' }),
  text: Type.String(),
  attachments: Type.Array(AttachmentSchema),
  authorName: Type.Optional(Type.String()),
  createdAt: Type.Integer({ description: 'ms since the epoch' }),
  status: Type.Union([Type.Literal('accepted'), Type.Literal('sent'), Type.Literal('delivered'), Type.Literal('seen'), Type.Literal('failed')]),
  raw: Type.Optional(Type.Unknown({ description: 'the DFO message body as received or sent, verbatim' }))
})

const ThreadSchema = Type.Object({
  threadId: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  closedReason: Type.Optional(Type.String()),
  createdAt: Type.Integer(),
  lastActivityAt: Type.Integer(),
  contactId: Type.Optional(Type.String({ description: 'the CXone contact (case) number' })),
  messages: Type.Array(MessageSchema)
})

const AttachmentCopySchema = Type.Object({
  threadId: Type.String(),
  id: Type.String(),
  friendlyName: Type.String(),
  mimeType: Type.Optional(Type.String()),
  state: Type.Union([Type.Literal('pending'), Type.Literal('kept'), Type.Literal('not-kept')]),
  size: Type.Optional(Type.Integer()),
  sourceUrl: Type.String({ description: 'where CXone had the file' }),
  contentBase64: Type.Optional(Type.String({ description: 'the copy the hub keeps, when state is kept' }))
})

export const CustomerExportSchema = Type.Object({
  format: Type.Literal(CUSTOMER_EXPORT_FORMAT),
  exportedAt: Type.String({ description: 'ISO 8601' }),
  channelId: Type.String(),
  customerId: Type.String({ description: 'the platform\'s id of the customer' }),
  customer: Type.Union([Type.Null(), Type.Object({
    name: Type.String(),
    avatar: Type.Optional(Type.String()),
    createdAt: Type.Integer()
  })], { description: 'null when the hub holds no customer record (never seen, or erased)' }),
  threads: Type.Array(ThreadSchema, { description: 'every conversation, open or closed, oldest first' }),
  attachmentCopies: Type.Array(AttachmentCopySchema, { description: 'agent attachments the hub copied into its store' }),
  tokensRevokedAt: Type.Optional(Type.Integer({ description: 'tokens issued to the customer before this time (ms) are refused' }))
})

export type CustomerExport = Static<typeof CustomerExportSchema>
