import t from 'tap'
import { agentMessageDetails, normaliseAgentBody } from '../../core/conversations/agent-message.js'
import { toCxoneOutbound } from '../../core/conversations/timeline.js'
import { Jobs } from '../../core/conversations/job-kinds.js'
import type { StoredMessage } from '../../core/store/types.js'
import { startFakePlatform } from '../fake-platform.js'
import { cxoneToken, eventually, http, startHub } from '../helper.js'

const body = {
  thread: { idOnExternalPlatform: 'th-1' },
  messageContent: { type: 'TEXT', payload: { text: 'hello gnu' } },
  endUserRecipients: [{ idOnExternalPlatform: 'gnu-2', name: 'Other' }, { idOnExternalPlatform: 'gnu-1', name: 'Gnu Gnu', isPrimary: true }],
  attachments: [{ friendlyName: 'map.png', url: 'https://cxone.example/a/1', mimeType: 'image/png', extra: 1 }],
  authorUser: { firstName: 'Ada', lastName: 'Agent', nickname: 'ada' },
  someFutureField: { kept: true }
}

const row = (raw: unknown, over: Partial<StoredMessage> = {}): StoredMessage => ({
  messageId: 'hub-1', threadId: 'th-1', channelId: 'recorder', direction: 'outbound', seq: 3, text: 'hello gnu',
  attachments: [{ friendlyName: 'map.png', url: 'https://hub.example/attachments/1', mimeType: 'image/png' }],
  authorName: 'Ada Agent', createdAt: Date.parse('2026-01-02T03:04:05.678Z'), status: 'accepted', raw, ...over
})

t.test('CXone\'s body is read once into what the hub stores and the translator needs', async t => {
  const n = normaliseAgentBody(body)
  t.same(n.recipient, { idOnExternalPlatform: 'gnu-1', name: 'Gnu Gnu' }, 'the primary recipient')
  t.equal(n.text, 'hello gnu')
  t.same(n.attachments, [{ friendlyName: 'map.png', url: 'https://cxone.example/a/1', mimeType: 'image/png' }])
  t.equal(n.authorName, 'Ada Agent')
  t.same(n.details.messageContent, body.messageContent)
  t.same(n.details.recipients, body.endUserRecipients)
  t.same(n.details.authorUser, body.authorUser)
  t.equal(n.details.body, body, 'the body as sent, for translators that want a field the hub does not know')
  t.equal(normaliseAgentBody({ messageContent: { type: 'RICH', payload: {}, fallbackText: 'fb' }, authorUser: { nickname: 'ada' } }).authorName, 'ada')
  t.equal(normaliseAgentBody({ messageContent: { type: 'RICH', payload: {}, fallbackText: 'fb' } }).text, 'fb', 'fallback text when there is no payload text')
  t.same(normaliseAgentBody({ messageContent: body.messageContent, recipients: [{ idOnExternalPlatform: 'm2-1' }] }).recipient, { idOnExternalPlatform: 'm2-1' }, 'M2 names recipients `recipients`')
})

t.test('the translator\'s message is built from the stored details', async t => {
  const stored = row(normaliseAgentBody(body).details)
  t.same(toCxoneOutbound(stored, 'gnu-1'), {
    idOnExternalPlatform: 'hub-1',
    createdAtWithMilliseconds: '2026-01-02T03:04:05.678Z',
    thread: { idOnExternalPlatform: 'th-1' },
    messageContent: body.messageContent,
    recipients: body.endUserRecipients,
    attachments: stored.attachments,
    authorUser: body.authorUser,
    raw: body
  })
  const none = row(normaliseAgentBody({ messageContent: body.messageContent }).details)
  t.same(toCxoneOutbound(none, 'gnu-1').recipients, [{ idOnExternalPlatform: 'gnu-1' }], 'no recipients named: the thread\'s customer')
  t.notOk('authorUser' in toCxoneOutbound(none, 'gnu-1'))
})

t.test('rows stored before the details existed (raw: CXone\'s body) build the same message', async t => {
  t.same(toCxoneOutbound(row(body), 'gnu-1'), toCxoneOutbound(row(normaliseAgentBody(body).details), 'gnu-1'))
  t.same(agentMessageDetails(row(undefined, { text: 'only text' })), {
    form: 'agent-message/1', messageContent: { type: 'TEXT', payload: { text: 'only text' } }, recipients: [], body: {}
  }, 'a row without raw: its text')
  t.same(agentMessageDetails(row({ messageContent: 'garbage', endUserRecipients: 'x', authorUser: 7 })).recipients, [], 'odd fields are not trusted')
})

t.test('an agent message stored before this version still reaches the platform', async t => {
  const platform = await startFakePlatform(t)
  const hub = await startHub(t, { channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: { deliverUrl: platform.url } }] })
  const first = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'gnu-1', messageId: 'in-1', text: 'hi' })
  const threadId: string = first.body.messages[0].threadId
  // as the route stored it until now: the body itself as raw
  await hub.store.insertMessage({
    messageId: 'hub-legacy', threadId, channelId: 'recorder', direction: 'outbound', text: 'from the old days', attachments: [], createdAt: Date.now(),
    raw: { thread: { idOnExternalPlatform: threadId }, messageContent: { type: 'TEXT', payload: { text: 'from the old days' } }, endUserRecipients: [{ idOnExternalPlatform: 'gnu-1' }] }
  }, { kind: Jobs.PLATFORM_DELIVER, orderKey: `platform:recorder:${threadId}`, dedupeKey: 'deliver:recorder:hub-legacy', payload: { channelId: 'recorder', messageId: 'hub-legacy' } })
  hub.hub.worker.kick()
  const delivered = await eventually(() => platform.messages.find(m => m.id === 'hub-legacy'), 10_000, 'the old row delivered')
  t.same(delivered, { id: 'hub-legacy', thread: threadId, text: 'from the old days' })

  // and one the route stores now: unknown fields reach the translator as raw (no attachments: nothing to fetch)
  const { attachments: _none, ...plain } = body
  const sent = { ...plain, thread: { idOnExternalPlatform: threadId } }
  const res = await http('POST', `${hub.box}/2.0/channel/chat_recorder/outbound`, sent, { authorization: `Bearer ${await cxoneToken(hub)}` })
  t.equal(res.status, 200)
  const stored = await hub.store.getMessage('recorder', res.body.message.idOnExternalPlatform)
  t.same(toCxoneOutbound(stored!, 'gnu-1').raw, sent, 'the body as CXone sent it')
  await eventually(() => platform.messages.find(m => m.id === res.body.message.idOnExternalPlatform), 10_000, 'the new row delivered')
})
