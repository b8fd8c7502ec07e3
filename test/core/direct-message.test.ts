import t from 'tap'
import { startHub, http, cxoneToken, eventually, CLIENT } from '../helper.js'
import { startFakePlatform } from '../fake-platform.js'

const text = (s: string) => ({ type: 'TEXT', payload: { text: s } })
const recorder = (id: string, deliverUrl: string) => ({ id, plugin: './test/fixtures/plugins/recorder', cxoneChannelId: `chat_${id}`, config: { deliverUrl } })

t.test('an agent\'s direct message opens a new thread; the customer\'s open thread stays and still reaches them', async t => {
  const platform = await startFakePlatform(t)
  const hub = await startHub(t, { channels: [recorder('recorder', platform.url)] })
  const auth = { authorization: `Bearer ${await cxoneToken(hub)}` }
  const outbound = (body: Record<string, unknown>) => http('POST', `${hub.box}/2.0/channel/chat_recorder/outbound`, body, auth)
  const first = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'zebra-1', messageId: 'z-1', text: 'a question', name: 'Zebra' })
  t.equal(first.status, 202)
  const open: string = first.body.messages[0].threadId

  const minted = await outbound({ messageContent: text('a direct message'), endUserRecipients: [{ idOnExternalPlatform: 'zebra-1' }] })
  t.equal(minted.status, 200)
  const mintedId: string = minted.body.thread.idOnExternalPlatform
  t.not(mintedId, open, 'M3 naming no thread gets a new thread id, not the open one')
  t.equal((await hub.store.getThread('recorder', open))?.status, 'open', 'the other thread stays open')
  t.equal((await hub.store.findCurrentThread('recorder', 'zebra-1'))?.threadId, mintedId, 'the new thread is current')

  const named = await outbound({ thread: { idOnExternalPlatform: 'th-from-cxone' }, messageContent: text('another direct message'), endUserRecipients: [{ idOnExternalPlatform: 'zebra-1' }] })
  t.equal(named.status, 200)
  t.equal(named.body.thread.idOnExternalPlatform, 'th-from-cxone', 'an unknown thread id CXone names becomes the new thread')
  t.match(await hub.store.getThread('recorder', 'th-from-cxone'), { customerId: 'zebra-1', status: 'open' })
  t.equal((await hub.store.findCurrentThread('recorder', 'zebra-1'))?.threadId, 'th-from-cxone')

  // the customer's next message goes to the current thread (the platform asks the hub for it)
  const next = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'zebra-1', messageId: 'z-2', text: 'answering the agent' })
  t.equal(next.body.messages[0].threadId, 'th-from-cxone')

  // an agent reply on the old thread still reaches the customer, and that thread is current again
  const reply = await outbound({ thread: { idOnExternalPlatform: open }, messageContent: text('back on the first question') })
  t.equal(reply.status, 200)
  t.equal(reply.body.thread.idOnExternalPlatform, open)
  await eventually(() => platform.messages.find(m => m.text === 'back on the first question'), 10_000, 'the reply delivered')
  t.equal(platform.messages.find(m => m.text === 'back on the first question').thread, open)
  t.equal((await hub.store.findCurrentThread('recorder', 'zebra-1'))?.threadId, open, 'the latest activity makes it current')
  const delivered = await eventually(() => platform.messages.length >= 3 && platform.messages, 10_000, 'every agent message delivered')
  t.same(delivered.map(m => m.thread).sort(), [mintedId, open, 'th-from-cxone'].sort(), 'each message on its own thread')
})

t.test('M2 finds its thread among the client\'s channels; the same id on two of them is a 409', async t => {
  const channels = [recorder('recorder', 'http://127.0.0.1:9/unused'), recorder('other', 'http://127.0.0.1:9/unused')]
  const bound = { clientId: 'tenant-a', clientSecret: 'tenant-a-secret-0123456789abcdef', channels: ['recorder'] }
  const hub = await startHub(t, { channels, auth: { clients: [CLIENT, bound] } })
  const all = { authorization: `Bearer ${await cxoneToken(hub)}` }
  const onlyRecorder = { authorization: `Bearer ${await cxoneToken(hub, bound)}` }
  for (const channel of ['recorder', 'other']) {
    const res = await http('POST', `${hub.url}/channels/${channel}/inbound`, { customerId: `c-${channel}`, threadId: 'th-same', messageId: 'm-same', text: `hi on ${channel}` })
    t.equal(res.status, 202, `the same thread and message ids are accepted on ${channel}`)
    t.equal(res.body.messages[0].duplicate, false)
  }
  const post = (id: string, headers: Record<string, string>) => http('POST', `${hub.box}/1.0/posts/${id}/messages`, { messageContent: text('legacy reply') }, headers)

  const ambiguous = await post('th-same', all)
  t.equal(ambiguous.status, 409)
  t.equal(ambiguous.body.error.code, 'BYOC_ERR_THREAD_AMBIGUOUS')
  const scoped = await post('th-same', onlyRecorder)
  t.equal(scoped.status, 200, 'a client bound to one channel finds it there')
  const stored = await hub.store.listMessages('recorder', 'th-same')
  t.same(stored.map(m => m.text), ['hi on recorder', 'legacy reply'])
  t.equal((await hub.store.listMessages('other', 'th-same')).length, 1, 'the other channel\'s thread is untouched')

  await http('POST', `${hub.url}/channels/other/inbound`, { customerId: 'c-x', threadId: 'th-other-only', messageId: 'm-x', text: 'x' })
  t.equal((await post('th-other-only', all)).status, 200, 'an id on one channel only is found there')
  t.equal((await post('th-other-only', onlyRecorder)).body.error.code, 'BYOC_ERR_THREAD_UNKNOWN', 'a channel the client may not use is not searched')
})
