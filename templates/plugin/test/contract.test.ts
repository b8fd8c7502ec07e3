import t from 'tap'
import { randomBytes } from 'node:crypto'
import { signedWebhookHeaders, verifyStandardWebhook, webhookSecretKey } from '@byoc-hub/plugin-api'
import { channelContract, jsonRequest, type PlatformDelivery, type SinkRequest } from '@byoc-hub/plugin-kit'
import plugin from '../index.js'
import { messagesWebhook } from '../webhook.js'

// Standard Webhooks secrets: whsec_ and base64, made fresh for each run
const secret = (): string => `whsec_${randomBytes(32).toString('base64')}`
const SECRET = secret()
const WRONG_SECRET = secret()

/** POSTs `body` to the channel's webhook as the platform does: signed, webhook-id stable across its retries. */
const send = (channelUrl: string, id: string, body: unknown, signWith = SECRET) => {
  const json = JSON.stringify(body)
  return jsonRequest('POST', `${channelUrl}/messages`, json, signedWebhookHeaders(webhookSecretKey(signWith), id, json))
}

/** What a request to the platform means; the kit compares it with what the agent did. Unsigned requests mean nothing. */
function decode (req: SinkRequest): PlatformDelivery | undefined {
  if (!verifyStandardWebhook(webhookSecretKey(SECRET), req.raw, req.headers)) return undefined
  const b = req.json as { type?: string, customerId?: string, text?: string, on?: boolean } | undefined
  if (b?.type === 'message') return { kind: 'message', customerId: b.customerId, text: b.text ?? '' }
  if (b?.type === 'typing') return { kind: 'typing', customerId: b.customerId, on: b.on === true }
  if (b?.type === 'closed') return { kind: 'closed', customerId: b.customerId }
  return undefined
}

// The kit starts a real byoc-hub with its CXone emulator and this plugin; each check is a plain async function that
// throws when the plugin falls short, run here as a tap subtest.
t.test('passes the byoc-hub channel contract', async t => {
  const contract = await channelContract(plugin, {
    driver: {
      config: ({ platformUrl }) => ({ platformUrl, signingSecret: SECRET }),
      sendInbound: (env, s, { forge }) => send(env.channelUrl, `evt-${s.messageId}`,
        { type: 'message', customerId: s.customerId, customerName: s.customerName, messageId: s.messageId, text: s.text }, forge ? WRONG_SECRET : SECRET),
      // well signed, but an event this channel does not know: the plugin's own coded error
      sendMalformed: (env) => send(env.channelUrl, 'evt-unknown', { type: 'sticker', customerId: 'c1', messageId: 'm1', text: 'x' }),
      decode
    }
  })
  t.teardown(() => contract.close())
  for (const check of contract.checks) {
    await t.test(check.name, { skip: check.skip ?? false }, async t => { await check.run(); t.pass('holds') })
  }
})

t.test('an event type the channel does not know is refused with its own code', async t => {
  const webhook = messagesWebhook({ platformUrl: 'http://127.0.0.1:9', signingSecret: SECRET, toleranceSeconds: 300, timeoutMs: 1000 })
  t.throws(() => webhook.toEvents({ type: 'sticker', customerId: 'c1', messageId: 'm1', text: 'x' }),
    { code: 'BYOC_TEMPLATE_CHANNEL_ERR_UNKNOWN_EVENT', statusCode: 422 })
  t.same(webhook.toEvents({ type: 'message', customerId: 'c1', messageId: 'm1', text: 'hi' }),
    [{ customerId: 'c1', messageId: 'm1', text: 'hi' }], 'a message is one event, for the current thread')
})
