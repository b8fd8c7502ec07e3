import { createHmac, randomUUID } from 'node:crypto'
import type { FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import { checkBody, dfoError, sendDfoError } from './dfo-errors.js'
import { SANDBOX_AGENT, sandboxBrand } from './identity.js'
import { consumeOneTimeToken } from './one-time-tokens.js'
import type { SandboxOptions } from './options.js'
import { issueToken, sameSecret } from './tokens.js'
import { PUBLIC, PUBLIC_FILE } from './route-flags.js'

const ATTACHMENTS = 'sandbox:attachments'
const CUSTOM_FIELDS = 'sandbox:custom-field-definitions'
const ATTACHMENT_TTL_MS = 60 * 60_000
const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
/**
 * An upload is whatever someone sent: served on the hub's own origin it must never render there (an HTML file would
 * run with the widget's localStorage). Always a download, never sniffed, and sandboxed should a browser render it.
 */
const DOWNLOAD_ONLY = {
  'content-disposition': 'attachment; filename="attachment"',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
  'referrer-policy': 'no-referrer'
} as const

const IntOrString = Type.Union([Type.Integer(), Type.String({ minLength: 1 })])
const VerifySchema = Type.Object({
  brandId: IntOrString, userId: IntOrString, token: Type.String({ minLength: 1 }),
  purpose: Type.Union([Type.Literal('login'), Type.Literal('channel-integration'), Type.Literal('custom-component-login')])
}, { additionalProperties: true })
const UploadSchema = Type.Object({ content: Type.String({ minLength: 1 }), mimeType: Type.String({ minLength: 1 }) }, { additionalProperties: true })
const FieldDefinitionSchema = Type.Object({
  ident: Type.String({ minLength: 1 }), label: Type.String({ minLength: 1 }),
  type: Type.Union([Type.Literal('text'), Type.Literal('email'), Type.Literal('list')])
}, { additionalProperties: true })

interface AttachmentDoc { content: string, mimeType: string, expireAt: number }

/** Like DFO's signed links: the URL carries its expiry and an HMAC over id and expiry, and stops working then. */
const signature = (secret: string, id: string, expires: number): string =>
  createHmac('sha256', `attachment-url:${secret}`).update(`${id}.${expires}`).digest('base64url')

/** C10 one-time-token verification, C16 temporary attachments, C14 customer custom-field definitions. */
export function miscRoutes (opts: SandboxOptions): FastifyPluginAsync {
  const { store } = opts
  return async (app) => {
    app.post('/one-time-token/verification', { config: PUBLIC }, async (req, reply) => {
      const checked = checkBody(VerifySchema, req.body)
      if (!checked.ok) return sendDfoError(reply, 400, checked.items)
      const { token, brandId, userId } = checked.value
      if (!await consumeOneTimeToken(store, token, String(brandId), String(userId))) {
        return dfoError(reply, 401, 'invalidOneTimeToken', 'The one-time token is unknown, used, expired or for another user')
      }
      return { brand: sandboxBrand(opts.brandId), user: SANDBOX_AGENT, accessToken: await issueToken(store, `user:${userId}`, opts.tokenTtlMs) }
    })

    app.post('/attachments/temporary', { bodyLimit: Math.ceil(MAX_ATTACHMENT_BYTES * 1.4) }, async (req, reply) => {
      const checked = checkBody(UploadSchema, req.body)
      if (!checked.ok) return sendDfoError(reply, 400, checked.items)
      const id = randomUUID()
      const expireAt = Date.now() + ATTACHMENT_TTL_MS
      await store.putDoc(ATTACHMENTS, id, { content: checked.value.content, mimeType: checked.value.mimeType, expireAt } satisfies AttachmentDoc)
      const expires = Math.min(expireAt, Date.now() + (opts.attachmentUrlTtlMs ?? 15 * 60_000))
      const url = `${req.protocol}://${req.host}${app.prefix}/attachments/${id}?expires=${expires}&signature=${signature(opts.accessKeySecret, id, expires)}`
      return { id, url, expireAt: new Date(expires).toISOString() }
    })

    // The URL is handed to agents and platforms, so it needs no token (like CXone's signed URLs).
    app.get<{ Params: { id: string }, Querystring: { expires?: string, signature?: string } }>('/attachments/:id', { config: PUBLIC_FILE }, async (req, reply) => {
      const expires = Number(req.query.expires)
      if (!Number.isFinite(expires) || !sameSecret(req.query.signature ?? '', signature(opts.accessKeySecret, req.params.id, expires))) {
        return dfoError(reply, 403, 'attachmentUrlInvalid', 'The signature of this link is invalid')
      }
      if (expires <= Date.now()) return dfoError(reply, 403, 'attachmentUrlExpired', 'This link has expired')
      const doc = await store.getDoc<AttachmentDoc>(ATTACHMENTS, req.params.id)
      if (!doc || doc.expireAt <= Date.now()) return dfoError(reply, 404, 'attachmentNotFound', 'Attachment not found or expired')
      return reply.type(doc.mimeType).headers(DOWNLOAD_ONLY).send(Buffer.from(doc.content, 'base64'))
    })

    app.get('/customers/custom-field-definitions', async () => store.listDocs(CUSTOM_FIELDS))
    app.put('/customers/custom-field-definitions', async (req, reply) => {
      const checked = checkBody(FieldDefinitionSchema, req.body)
      if (!checked.ok) return sendDfoError(reply, 400, checked.items)
      await store.putDoc(CUSTOM_FIELDS, checked.value.ident, checked.value)
      return reply.code(200).send({})
    })
  }
}
