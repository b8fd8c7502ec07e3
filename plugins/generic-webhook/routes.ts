import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ChannelHost } from '@byoc-hub/plugin-api'
import type { GenericWebhookConfig } from './config.js'
import type { ResolvedWebhookEvent } from './inbound.js'
import { isMessageEvent, mapEvent } from './mapping.js'
import { secretKey, verifySignature } from './signature.js'
import { webhookError } from './errors.js'

function header (req: FastifyRequest, name: string): string {
  const v = req.headers[name]
  return typeof v === 'string' ? v : ''
}

/**
 * POST /channels/<id>/events: verify (signature, timestamp window), skip replays, map, receive. The order matters:
 * nothing about an event is believed, not even its JSON, before its signature checks out.
 */
export function webhookRoutes (host: ChannelHost<GenericWebhookConfig, ResolvedWebhookEvent>) {
  const config = host.config
  const key = secretKey(config.secret)
  const toleranceMs = config.toleranceSeconds * 1000

  return async (scope: FastifyInstance): Promise<void> => {
    // the signature covers the exact bytes, so keep them: this parser lives in the channel's own scope only
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => { done(null, body) })

    scope.post('/events', async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
      const id = header(req, 'webhook-id')
      const timestamp = header(req, 'webhook-timestamp')
      const signature = header(req, 'webhook-signature')
      if (!id || !timestamp || !signature) throw webhookError('UNSIGNED', 'webhook-id, webhook-timestamp and webhook-signature headers are required')
      if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp) * 1000) > toleranceMs) {
        throw webhookError('TIMESTAMP', `webhook-timestamp is outside the accepted window of ${config.toleranceSeconds}s`)
      }
      if (!verifySignature(key, id, timestamp, raw, signature)) throw webhookError('SIGNATURE', 'webhook-signature does not match')

      // An identical delivery (same id and timestamp) is a replay: acknowledged, never processed twice. A platform's
      // own retry is re-signed with a new timestamp and goes through; host.receive dedupes it by message id. So a
      // first attempt that failed half-way is never mistaken for done. Kept as long as the timestamp could pass.
      if (!await host.remember(`replay:${id}.${timestamp}`, 2 * toleranceMs)) return reply.code(200).send({ duplicate: true, replay: true })

      let doc: unknown
      try { doc = JSON.parse(raw.toString('utf8')) } catch { throw webhookError('MALFORMED', 'body is not JSON') }
      if (!isMessageEvent(doc, config.when)) return reply.code(202).send({ ignored: true })
      const event = mapEvent(doc, config.mapping)

      await host.customers.upsert({ customerId: event.customerId, name: event.customerName ?? event.customerId })
      const threadId = event.threadId ?? (await host.threads.current(event.customerId)).threadId
      const result = await host.receive({ ...event, threadId })
      return reply.code(202).send({ messages: result.messages })
    })
  }
}
