import type { FastifyInstance, FastifyReply } from 'fastify'
import { request } from 'undici'
import { Type, type Static } from 'typebox'
import { hubError } from '../errors.js'
import type { AttachmentKeeper, KeptAttachment } from './keeper.js'

const ParamsSchema = Type.Object({
  threadId: Type.String({ minLength: 1, maxLength: 300 }),
  id: Type.String({ pattern: '^[A-Za-z0-9_-]{32}$' })
})

// shown in the page; everything else (SVG and HTML included: they can run script) is a download
const INLINE_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp'])

/**
 * GET /attachments/:threadId/:id: an agent attachment as the hub kept it. The id is 24 random bytes, so the URL is
 * the capability (like DFO's signed links, but it does not expire while the conversation is kept).
 */
export async function attachmentRoutes (app: FastifyInstance, opts: { keeper: AttachmentKeeper, timeoutMs: number }): Promise<void> {
  app.get<{ Params: Static<typeof ParamsSchema> }>('/attachments/:threadId/:id', {
    schema: { tags: ['channels'], summary: 'An agent attachment kept by the hub', params: ParamsSchema } as object
  }, async (request, reply) => {
    const found = await opts.keeper.get(request.params.threadId, request.params.id)
    if (!found) throw hubError('ATTACHMENT_UNKNOWN')
    if (found.content) return fileHeaders(reply, found.meta, found.meta.mimeType).send(found.content)
    // not kept (too large, or gone before delivery): CXone's own link, while it lasts, is the fallback
    const upstream = await fromCxone(found.meta.sourceUrl, opts.timeoutMs)
    if (!upstream) throw hubError('ATTACHMENT_NOT_KEPT', found.meta.reason)
    return fileHeaders(reply, found.meta, found.meta.mimeType ?? upstream.contentType).send(upstream.body)
  })
}

function fileHeaders (reply: FastifyReply, meta: KeptAttachment, mimeType: string | undefined): FastifyReply {
  const type = (mimeType ?? '').split(';')[0]!.trim().toLowerCase()
  const safeType = /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(type) ? type : 'application/octet-stream'
  const inline = INLINE_IMAGES.has(safeType)
  const ascii = meta.friendlyName.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return reply
    .type(safeType)
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(meta.friendlyName)}`)
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, max-age=3600')
}

async function fromCxone (url: string, timeoutMs: number): Promise<{ body: NodeJS.ReadableStream, contentType?: string } | undefined> {
  try {
    // timeouts between bytes, not in total: a large file may take long to pass through
    const res = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs })
    if (res.statusCode !== 200) { await res.body.dump(); return undefined }
    const type = res.headers['content-type']
    return { body: res.body, ...(typeof type === 'string' ? { contentType: type } : {}) }
  } catch { return undefined }
}
