import t from 'tap'
import { runChannelContract, jsonRequest, type PlatformDelivery, type SinkRequest } from '@byoc-hub/plugin-api/testing'
import recorder from '../fixtures/plugins/recorder/index.js'

/** The recorder fixture: customers POST /inbound; agent messages go to <url>/messages, signals to <url>/signals. */
function decode (req: SinkRequest): PlatformDelivery | undefined {
  const body = req.json as Record<string, unknown> | undefined
  if (!body) return undefined
  if (req.path === '/messages') return { kind: 'message', text: String(body.text) }
  if (req.path !== '/signals') return undefined
  const customerId = String(body.customerId)
  if (body.type === 'typing') return { kind: 'typing', customerId, on: body.on === true }
  if (body.type === 'thread-closed') return { kind: 'closed', customerId }
  return { kind: 'other', customerId }
}

t.test('the recorder fixture passes the channel contract', async t => {
  await runChannelContract(t, recorder, {
    unsignedBecause: 'test fixture: its /inbound takes unsigned JSON',
    driver: {
      config: ({ platformUrl }) => ({ deliverUrl: platformUrl }),
      sendInbound: (env, s) => jsonRequest('POST', `${env.channelUrl}/inbound`, { customerId: s.customerId, messageId: s.messageId, text: s.text, name: s.customerName }),
      sendMalformed: (env) => jsonRequest('POST', `${env.channelUrl}/inbound`, { customerId: '' }),
      decode
    }
  })
})
