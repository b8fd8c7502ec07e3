import t from 'tap'
import { startHub, cxoneToken, http, eventually } from '../helper.js'

t.test('customer message reaches the sandbox; agent reply reaches the platform', async t => {
  const hub = await startHub(t, { channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: {} }] }, { listen: false })
  const res = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'zebra-1', messageId: 'm-1', text: 'hello', name: 'Zed' })
  t.equal(res.status, 202, JSON.stringify(res.body))
  const msg = await eventually(async () => {
    const m = await hub.store.getMessage('recorder', 'm-1')
    return m?.status === 'sent' ? m : undefined
  }, 10_000, 'message sent to DFO')
  t.equal(msg.text, 'hello')
  const token = await cxoneToken(hub)
  const out = await http('POST', `${hub.box}/2.0/channel/chat_recorder/outbound`, {
    thread: { idOnExternalPlatform: msg.threadId }, messageContent: { type: 'TEXT', payload: { text: 'hi zebra' } },
    endUserRecipients: [{ idOnExternalPlatform: 'zebra-1' }]
  }, { authorization: `Bearer ${token}` })
  t.equal(out.status, 200, JSON.stringify(out.body))
  t.equal(out.body.thread.idOnExternalPlatform, msg.threadId)
})
