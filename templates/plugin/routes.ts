import { ChannelRequestError, Type, Value, type ChannelHost, type FastifyInstance } from '@byoc-hub/plugin-api'
import type { Config } from './config.js'
import type { PlatformEvent } from './translators.js'
import { verifyBody } from './signature.js'

const BodySchema = Type.Object({
  customerId: Type.String({ minLength: 1, maxLength: 255 }),
  customerName: Type.Optional(Type.String()),
  messageId: Type.String({ minLength: 1, maxLength: 255 }),
  text: Type.String({ minLength: 1 })
})

/** POST /channels/<id>/messages: verify the signature over the raw bytes, validate, hand to the hub. */
export function platformRoutes (host: ChannelHost<Config, PlatformEvent>) {
  return async (scope: FastifyInstance): Promise<void> => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => { done(null, body) })

    scope.post('/messages', async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
      const signature = req.headers['x-signature']
      if (typeof signature !== 'string' || !verifyBody(host.config.signingSecret, raw, signature)) {
        throw new ChannelRequestError('BYOC_ERR_SIGNATURE_INVALID', 'x-signature does not match the body', 401)
      }
      let body: unknown
      try { body = JSON.parse(raw.toString('utf8')) } catch { throw new ChannelRequestError('BYOC_ERR_MALFORMED_BODY', 'body is not JSON') }
      if (!Value.Check(BodySchema, body)) throw new ChannelRequestError('BYOC_ERR_VALIDATION', 'body does not match the message schema')
      await host.customers.upsert({ customerId: body.customerId, name: body.customerName ?? body.customerId })
      const threadId = (await host.threads.current(body.customerId)).threadId
      return reply.code(202).send(await host.receive({ ...body, threadId }))
    })
  }
}
