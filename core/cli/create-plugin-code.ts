/**
 * Source files of a scaffolded channel plugin. A webhook-style channel: the platform POSTs signed JSON to
 * /channels/<id>/messages; agent messages and signals are POSTed, signed the same way, to the platform's URL.
 */
export interface ScaffoldNames { readonly name: string, readonly pkg: string, readonly title: string }

export const indexTs = (n: ScaffoldNames): string => `import { defineChannelPlugin } from '@byoc-hub/plugin-api'
import { ConfigSchema } from './config.js'
import { inbound, outbound, type PlatformEvent, type PlatformMessage } from './translators.js'
import { platformTransport } from './transport.js'
import { platformRoutes } from './routes.js'

export type { Config } from './config.js'

/** ${n.title}: the customer side of CXone conversations, as a byoc-hub channel. */
export default defineChannelPlugin<typeof ConfigSchema, PlatformEvent, PlatformMessage>({
  name: '${n.name}',
  apiVersion: 1,
  apiRange: '^1.1.0',
  configSchema: ConfigSchema,
  // declare only what the platform can really do: the hub degrades the rest (attachments become links, long text is split)
  capabilities: { attachments: false, typingIndicators: true, readReceipts: false, richMessages: [], maxTextLength: 2000 },
  register (host) {
    return { inbound, outbound, transport: platformTransport(host.config), routes: platformRoutes(host) }
  }
})
`

export const configTs = (): string => `import { Type, type Static } from '@byoc-hub/plugin-api'

/** The channel's block in byoc-hub.yaml (channels[].config); unknown keys are refused so typos show. */
export const ConfigSchema = Type.Object({
  platformUrl: Type.String({ pattern: '^https?://', description: 'where agent messages and signals are POSTed' }),
  signingSecret: Type.String({ minLength: 16, description: 'shared with the platform: signs requests both ways', 'x-secret': true }),
  timeoutMs: Type.Integer({ minimum: 100, maximum: 60000, default: 10000 })
}, { additionalProperties: false })

export type Config = Static<typeof ConfigSchema>
`

export const signatureTs = (): string => `import { createHmac, timingSafeEqual } from 'node:crypto'

/** x-signature: sha256=<hex HMAC-SHA256 of the raw body>. Replace with what your platform really sends. */
export function signBody (secret: string, body: Buffer | string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex')
}

export function verifyBody (secret: string, body: Buffer, header: string): boolean {
  const expected = Buffer.from(signBody(secret, body))
  const given = Buffer.from(header)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
`

export const translatorsTs = (): string => `import type { CxoneInboundMessage, InboundTranslator, OutboundTranslator } from '@byoc-hub/plugin-api'

/** A customer message as the platform sends it, with the thread the route resolved. */
export interface PlatformEvent { customerId: string, customerName?: string, messageId: string, text: string, threadId: string }

/** An agent message as the platform receives it. */
export interface PlatformMessage { type: 'message', id: string, customerId: string, threadId: string, text: string }

/** Pure: the platform's own message id is the stable idOnExternalPlatform, so a platform retry is deduplicated. */
export const inbound: InboundTranslator<PlatformEvent> = {
  toCxone (e): CxoneInboundMessage[] {
    return [{
      idOnExternalPlatform: e.messageId,
      direction: 'inbound',
      createdAtWithMilliseconds: new Date().toISOString(),
      thread: { idOnExternalPlatform: e.threadId },
      messageContent: { type: 'TEXT', payload: { text: e.text } },
      authorEndUserIdentity: { idOnExternalPlatform: e.customerId, ...(e.customerName ? { firstName: e.customerName } : {}) }
    }]
  }
}

export const outbound: OutboundTranslator<PlatformMessage> = {
  fromCxone (m) {
    return {
      type: 'message',
      id: m.idOnExternalPlatform,
      customerId: m.recipients[0]?.idOnExternalPlatform ?? '',
      threadId: m.thread.idOnExternalPlatform,
      text: m.messageContent.payload.text ?? m.messageContent.fallbackText ?? ''
    }
  }
}
`

export const transportTs = (): string => `import type { ChannelTransport } from '@byoc-hub/plugin-api'
import type { Config } from './config.js'
import type { PlatformMessage } from './translators.js'
import { signBody } from './signature.js'

/** The only I/O toward the platform. A throw makes the hub retry later, so anything but a 2xx throws. */
export function platformTransport (config: Config): ChannelTransport<PlatformMessage> {
  const post = async (body: unknown, signal: AbortSignal): Promise<void> => {
    const json = JSON.stringify(body)
    const res = await fetch(config.platformUrl, {
      method: 'POST',
      redirect: 'error', // the URL is the operator's, never one the platform redirects to
      headers: { 'content-type': 'application/json', 'x-signature': signBody(config.signingSecret, json) },
      body: json,
      signal: AbortSignal.any([signal, AbortSignal.timeout(config.timeoutMs)])
    })
    await res.body?.cancel()
    if (!res.ok) throw new Error('platform answered ' + res.status)
  }
  return {
    async send (msg, { signal }) { await post(msg, signal) },
    async signal (event, { signal }) {
      if (event.type === 'typing') await post({ type: 'typing', customerId: event.customerId, threadId: event.threadId, on: event.on }, signal)
      if (event.type === 'thread-closed') await post({ type: 'closed', customerId: event.customerId, threadId: event.threadId, reason: event.reason }, signal)
    }
  }
}
`

export const routesTs = (): string => `import { ChannelRequestError, Type, Value, type ChannelHost, type FastifyInstance } from '@byoc-hub/plugin-api'
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
`

export const contractTestTs = (): string => `import t from 'tap'
import { runChannelContract, jsonRequest, type PlatformDelivery, type SinkRequest } from '@byoc-hub/plugin-api/testing'
import plugin from '../index.js'
import { signBody } from '../signature.js'

const SECRET = 'contract-signing-secret-0123456789'

const send = (url: string, body: unknown, secret = SECRET) => {
  const json = JSON.stringify(body)
  return jsonRequest('POST', url, json, { 'x-signature': signBody(secret, json) })
}

/** What a request to the platform means; the kit compares it with what the agent did. */
function decode (req: SinkRequest): PlatformDelivery | undefined {
  const b = req.json as { type?: string, customerId?: string, text?: string, on?: boolean } | undefined
  if (b?.type === 'message') return { kind: 'message', customerId: b.customerId, text: b.text ?? '' }
  if (b?.type === 'typing') return { kind: 'typing', customerId: b.customerId, on: b.on === true }
  if (b?.type === 'closed') return { kind: 'closed', customerId: b.customerId }
  return undefined
}

t.test('passes the byoc-hub channel contract', async t => {
  await runChannelContract(t, plugin, {
    driver: {
      config: ({ platformUrl }) => ({ platformUrl, signingSecret: SECRET }),
      sendInbound: (env, s, { forge }) => send(env.channelUrl + '/messages', { customerId: s.customerId, customerName: s.customerName, messageId: s.messageId, text: s.text }, forge ? 'not-the-secret-at-all' : SECRET),
      sendMalformed: (env) => send(env.channelUrl + '/messages', { customerId: 'c1' }),
      decode
    }
  })
})
`
