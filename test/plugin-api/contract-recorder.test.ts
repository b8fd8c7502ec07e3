import t from 'tap'
import { runChannelContract, jsonRequest, type PlatformDelivery, type SinkRequest } from '@byoc-hub/plugin-kit'
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

// the kit's runner-agnostic entry point: every check run in order, results returned rather than thrown
t.test('the recorder fixture passes the channel contract', async t => {
  const results = await runChannelContract(recorder, {
    unsignedBecause: 'test fixture: its /inbound takes unsigned JSON',
    driver: {
      config: ({ platformUrl }) => ({ deliverUrl: platformUrl }),
      sendInbound: (env, s) => jsonRequest('POST', `${env.channelUrl}/inbound`, { customerId: s.customerId, messageId: s.messageId, text: s.text, name: s.customerName }),
      sendMalformed: (env) => jsonRequest('POST', `${env.channelUrl}/inbound`, { customerId: '' }),
      decode
    }
  })
  for (const r of results) {
    if (r.status === 'failed') t.fail(`${r.name}: ${(r.error as Error).message}`)
    else t.pass(`${r.name}: ${r.status}`)
  }
  t.same(results.filter(r => r.status === 'skipped').map(r => r.name), ['webhook signatures are rejected when wrong'], 'only the signature check is skipped (the fixture is unsigned)')
  t.ok(results.length >= 10, `every check ran (${results.length})`)
})
