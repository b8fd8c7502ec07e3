import type { FastifyInstance } from 'fastify'
import type { ChannelHost } from '@byoc-hub/plugin-api'
import type { WateringHoleConfig } from '../config.js'
import { WateringHoleErrors } from '../errors.js'
import { checkFileType } from '../file-type.js'
import { sealAttachment } from '../identity.js'
import { AttachmentBodySchema, type AttachmentBody } from '../schemas.js'
import { customerFromRequest } from './identity.js'

// No path parts, no control characters: the name is shown to agents and used as a download name.
function cleanName (name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim() // eslint-disable-line no-control-regex
  return cleaned === '' ? 'file' : cleaned
}

export function attachmentRoutes (scope: FastifyInstance, host: ChannelHost<WateringHoleConfig>): void {
  const max = host.config.maxAttachmentBytes
  // base64 grows 4/3; a little room for the JSON around it. Larger bodies are cut off before buffering all.
  const bodyLimit = Math.ceil(max / 3) * 4 + 4096
  scope.post<{ Body: AttachmentBody }>('/attachments', { bodyLimit, schema: { body: AttachmentBodySchema } }, async (request, reply) => {
    const customerId = await customerFromRequest(host, request)
    const content = Buffer.from(request.body.contentBase64, 'base64')
    if (content.length === 0) throw new WateringHoleErrors.ATTACHMENT_INVALID('The file is empty.')
    if (content.length > max) throw new WateringHoleErrors.ATTACHMENT_TOO_LARGE(`Files can be at most ${max} bytes.`)
    const mimeType = request.body.mimeType
    const verdict = checkFileType(content, mimeType, host.config.allowedMimeTypes)
    if (!verdict.ok) throw new WateringHoleErrors.ATTACHMENT_TYPE(verdict.reason)
    const friendlyName = cleanName(request.body.friendlyName)
    const { url } = await host.uploadAttachment(content, mimeType, friendlyName)
    const attachment = { friendlyName, url, mimeType }
    void reply.code(201)
    return { attachment: { ...attachment, size: content.length, seal: sealAttachment(host.config.identitySecret, customerId, attachment) } }
  })
}
