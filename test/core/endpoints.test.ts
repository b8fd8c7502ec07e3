import t from 'tap'
import { startHub, http, cxoneToken, eventually } from '../helper.js'
import { toCxoneOutbound } from '../../core/conversations/timeline.js'

const recorder = { channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: {} }], server: { bodyLimit: 4096 } }

t.test('CXone-facing endpoints: happy paths and bad inputs', async t => {
  const hub = await startHub(t, recorder, { listen: false })
  const auth = { authorization: `Bearer ${await cxoneToken(hub)}` }
  const first = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'gnu-1', messageId: 'in-1', text: 'hi', name: 'Gnu Gnu' })
  const threadId: string = first.body.messages[0].threadId
  const text = (s: string) => ({ type: 'TEXT', payload: { text: s } })

  t.test('M3 outbound into an existing thread answers 200 with message, thread, identities, recipients', async t => {
    const res = await http('POST', `${hub.box}/2.0/channel/chat_recorder/outbound`, {
      brand: { id: 1, friendlyName: 'Jungle' }, thread: { idOnExternalPlatform: threadId }, messageContent: text('hello gnu'),
      endUserRecipients: [{ idOnExternalPlatform: 'gnu-1', name: 'Gnu Gnu', isPrimary: true, isPrivate: false }],
      someFutureField: { kept: true }
    }, auth)
    t.equal(res.status, 200)
    t.match(res.body, { message: { idOnExternalPlatform: /^hub-/ }, thread: { idOnExternalPlatform: threadId }, endUserIdentities: [{ idOnExternalPlatform: 'gnu-1' }], recipients: [{ idOnExternalPlatform: 'gnu-1', isPrimary: true }] })
    const stored = await hub.store.getMessage('recorder', res.body.message.idOnExternalPlatform)
    t.same((toCxoneOutbound(stored!, 'gnu-1').raw as any).someFutureField, { kept: true }, 'unknown fields are accepted and kept, for the translator')
  })

  t.test('M3 outbound to a customer with no open thread opens a new thread', async t => {
    const res = await http('POST', `${hub.box}/2.0/channel/chat_recorder/outbound`, { messageContent: text('news for you'), endUserRecipients: [{ idOnExternalPlatform: 'okapi-9', name: 'Okapi' }] }, auth)
    t.equal(res.status, 200)
    t.not(res.body.thread.idOnExternalPlatform, threadId)
    const thread = await hub.store.getThread('recorder', res.body.thread.idOnExternalPlatform)
    t.equal(thread?.customerId, 'okapi-9')
    t.equal(thread?.status, 'open')
  })

  t.test('M2 legacy reply answers 200 { idOnExternalPlatform }', async t => {
    const res = await http('POST', `${hub.box}/1.0/posts/${threadId}/messages`, { messageContent: text('legacy hello') }, auth)
    t.equal(res.status, 200)
    t.match(res.body.idOnExternalPlatform, /^hub-/)
    t.equal((await http('POST', `${hub.box}/1.0/posts/no-such-thread/messages`, { messageContent: text('x') }, auth)).body.error.code, 'BYOC_ERR_THREAD_UNKNOWN')
  })

  t.test('an Idempotency-Key makes a CXone retry return the first answer', async t => {
    const body = { thread: { idOnExternalPlatform: threadId }, messageContent: text('once please') }
    const a = await http('POST', `${hub.box}/2.0/channel/chat_recorder/outbound`, body, { ...auth, 'idempotency-key': 'k-1' })
    const b = await http('POST', `${hub.box}/2.0/channel/chat_recorder/outbound`, body, { ...auth, 'idempotency-key': 'k-1' })
    t.equal(a.body.message.idOnExternalPlatform, b.body.message.idOnExternalPlatform)
  })

  t.test('M5 sender-action answers 204', async t => {
    const res = await http('POST', `${hub.box}/1.0/channel/chat_recorder/thread/${threadId}/sender-action`, { senderAction: { action: 'isTypingOn' } }, auth)
    t.equal(res.status, 204)
  })

  t.test('M4 recipient validation: known 200, unknown 400 outboundValidationFailed', async t => {
    t.equal((await http('POST', `${hub.box}/1.0/channel/chat_recorder/recipients/validation`, { endUserRecipients: [{ idOnExternalPlatform: 'gnu-1' }] }, auth)).status, 200)
    const bad = await http('POST', `${hub.box}/1.0/channel/chat_recorder/recipients/validation`, { endUserRecipients: [{ idOnExternalPlatform: 'ghost' }] }, auth)
    t.equal(bad.status, 400)
    t.equal(bad.body.errorCode, 'outboundValidationFailed')
  })

  t.test('bad inputs get a clear 4xx with a stable code', async t => {
    const cases: Array<[string, string, unknown, number, string, Record<string, string>?]> = [
      ['missing messageContent', '/2.0/channel/chat_recorder/outbound', { thread: { idOnExternalPlatform: threadId } }, 400, 'BYOC_ERR_VALIDATION'],
      ['wrong type', '/2.0/channel/chat_recorder/outbound', { messageContent: { type: 'TEXT', payload: { text: 42 } } }, 400, 'BYOC_ERR_VALIDATION'],
      ['empty message', '/2.0/channel/chat_recorder/outbound', { thread: { idOnExternalPlatform: threadId }, messageContent: text('') }, 400, 'BYOC_ERR_MESSAGE_EMPTY'],
      ['no recipient and no thread', '/2.0/channel/chat_recorder/outbound', { messageContent: text('to whom?') }, 400, 'BYOC_ERR_RECIPIENT_UNKNOWN'],
      ['unknown channel', '/2.0/channel/nope/outbound', { messageContent: text('x'), endUserRecipients: [{ idOnExternalPlatform: 'gnu-1' }] }, 404, 'BYOC_ERR_CHANNEL_UNKNOWN'],
      ['unknown thread typing', '/1.0/channel/chat_recorder/thread/nope/sender-action', { senderAction: { action: 'isTypingOn' } }, 404, 'BYOC_ERR_THREAD_UNKNOWN'],
      ['bad typing action', `/1.0/channel/chat_recorder/thread/${threadId}/sender-action`, { senderAction: { action: 'dance' } }, 400, 'BYOC_ERR_VALIDATION'],
      ['malformed JSON', '/2.0/channel/chat_recorder/outbound', '{"messageContent":', 400, 'BYOC_ERR_MALFORMED_BODY'],
      ['oversized body', '/2.0/channel/chat_recorder/outbound', { messageContent: text('x'.repeat(10_000)) }, 413, 'BYOC_ERR_BODY_TOO_LARGE'],
      ['wrong content type', '/2.0/channel/chat_recorder/outbound', 'hello', 415, 'BYOC_ERR_UNSUPPORTED_MEDIA_TYPE', { 'content-type': 'text/plain' }]
    ]
    for (const [name, path, body, status, code, headers] of cases) {
      const res = await http('POST', `${hub.box}${path}`, body, { ...auth, ...(headers ?? {}) })
      t.equal(res.status, status, `${name}: ${status}`)
      t.equal(res.body?.error?.code, code, `${name}: ${code}`)
      t.type(res.body?.error?.message, 'string')
    }
    const notFound = await http('GET', `${hub.url}/nowhere`)
    t.equal(notFound.body.error.code, 'BYOC_ERR_NOT_FOUND')
  })

  t.test('the agent reply reaches the platform transport', async t => {
    const delivered = await eventually(async () => (await hub.store.listJobs({ kind: 'platform.deliver', state: 'dead' })).length > 0 ? 'dead' : undefined, 5000, 'recorder delivery attempt (no platform server: dead after retries)').catch(() => 'pending')
    t.ok(['dead', 'pending'].includes(delivered), 'deliveries to an unreachable platform are retried, not lost')
  })
})

t.test('OpenAPI document lists every CXone route', async t => {
  const hub = await startHub(t, recorder, { listen: false })
  const doc = await http('GET', `${hub.url}/openapi.json`)
  t.equal(doc.status, 200)
  for (const path of ['/integration/box/1.0/token', '/integration/box/2.0/channel/{channelId}/outbound', '/integration/box/1.0/posts/{postId}/messages',
    '/integration/box/1.0/channel/{channelId}/thread/{threadId}/sender-action', '/integration/box/1.0/channel/{channelId}/recipients/validation']) {
    t.ok(doc.body.paths[path], path)
  }
})
