import t from 'tap'
import { channelContract, jsonRequest, type PlatformDelivery, type SinkRequest } from '@byoc-hub/plugin-kit'
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

// The kit starts a real byoc-hub with its CXone emulator and this plugin; each check is a plain async function that
// throws when the plugin falls short, run here as a tap subtest.
t.test('passes the byoc-hub channel contract', async t => {
  const contract = await channelContract(plugin, {
    driver: {
      config: ({ platformUrl }) => ({ platformUrl, signingSecret: SECRET }),
      sendInbound: (env, s, { forge }) => send(env.channelUrl + '/messages', { customerId: s.customerId, customerName: s.customerName, messageId: s.messageId, text: s.text }, forge ? 'not-the-secret-at-all' : SECRET),
      sendMalformed: (env) => send(env.channelUrl + '/messages', { customerId: 'c1' }),
      decode
    }
  })
  t.teardown(() => contract.close())
  for (const check of contract.checks) {
    await t.test(check.name, { skip: check.skip ?? false }, async t => { await check.run(); t.pass('holds') })
  }
})
