import { Type } from 'typebox'
import { ErrorBodySchema } from '../byoc-routes/schemas.js'

/* The admin API's bodies (core/admin/routes.ts), for validation, the serializer and the OpenAPI document. */

export const adminErrors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema }

export const CustomerParamsSchema = Type.Object({
  channelId: Type.String({ minLength: 1, maxLength: 255 }),
  customerId: Type.String({ minLength: 1, maxLength: 256, description: 'the platform\'s id of the customer' })
}, { additionalProperties: false })

export const JobParamsSchema = Type.Object({ jobId: Type.String({ minLength: 1, maxLength: 64 }) })
// query strings are text (the hub's validator does not coerce types): a number of 1 to 100,000 written as digits
export const ListQuerySchema = Type.Object({
  limit: Type.Optional(Type.String({ pattern: '^(100000|[1-9][0-9]{0,4})$', description: 'at most this many (default 1000)' })),
  tenant: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'only the dead letters of this tenant\'s channels (of the last `limit` dead letters)' }))
})

export const DeadLetterSchema = Type.Object({
  jobId: Type.String(),
  kind: Type.String(),
  orderKey: Type.String(),
  attempts: Type.Integer(),
  createdAt: Type.Integer(),
  reason: Type.String({ description: 'the last error; `erased` for a job an erasure stopped' })
})

export const ReplayAllSchema = Type.Object({
  replayed: Type.Integer(),
  skipped: Type.Integer({ description: 'erased dead letters: nothing to deliver, left as they are' })
})

export const ChannelStatusSchema = Type.Object({
  channels: Type.Array(Type.Object({
    id: Type.String(),
    name: Type.String(),
    cxoneChannelId: Type.String(),
    openConversations: Type.Integer()
  })),
  outbox: Type.Object({ pending: Type.Integer(), dead: Type.Integer(), oldestPendingAgeMs: Type.Number() })
})

const n = Type.Integer()
export const ErasureReportSchema = Type.Object({
  channelId: Type.String(),
  customerId: Type.String(),
  erasedAt: Type.String(),
  removed: Type.Object({
    customer: n, threads: n, messages: n, attachmentCopies: n, idempotencyKeys: n, timers: n, jobs: n, emulatorRecords: n, documents: n
  }),
  deadLettered: Type.Integer({ description: 'undelivered jobs turned into dead letters with reason `erased`' }),
  identityRevoked: Type.Boolean(),
  store: Type.Object({ driver: Type.String(), walCheckpointed: Type.Boolean() })
})
