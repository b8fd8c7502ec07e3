import t from 'tap'
import type { Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { cxoneToken, eventually, http, startHub, type StartedHub } from '../../helper.js'
import { identify, WidgetClient } from './ws-client.js'

/** A customer with a widget socket that said hello, and the thread their first message opened. */
async function chatting (t: Test, hub: StartedHub): Promise<{ ws: WidgetClient, token: string, threadId: string, seq: number }> {
  const me = await identify(hub.url)
  const ws = await WidgetClient.open(hub.url)
  t.teardown(() => ws.close())
  ws.send({ type: 'hello', token: me.token })
  await ws.next(f => f.type === 'history')
  ws.send({ type: 'message', clientMessageId: randomUUID(), text: 'Is the river clean today?' })
  const ack = await ws.next(f => f.type === 'ack')
  await ws.next(f => f.type === 'message' && f.entry.messageId === ack.messageId)
  return { ws, token: me.token, threadId: ack.threadId, seq: ack.seq }
}

const agentSays = async (hub: StartedHub, threadId: string, messageContent: unknown): Promise<string> => {
  const res = await http('POST', `${hub.box}/2.0/channel/chat_watering-hole/outbound`, { thread: { idOnExternalPlatform: threadId }, messageContent }, { authorization: `Bearer ${await cxoneToken(hub)}` })
  if (res.status !== 200) throw new Error(`outbound: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.message.idOnExternalPlatform
}

t.test('an agent message reaches the widget through the outbox and the outbound translator, once', async t => {
  const hub = await startHub(t)
  const { ws, threadId, seq } = await chatting(t, hub)
  // rich content the widget cannot render: the translator shows its fallback text, the stored row keeps payload.text
  const messageId = await agentSays(hub, threadId, { type: 'QUICK_REPLIES', payload: { text: 'Pick one' }, fallbackText: 'Pick one: yes / no' })
  const shown = await ws.next(f => f.type === 'message' && f.entry.messageId === messageId)
  t.equal(shown.entry.text, 'Pick one: yes / no', "the outbound translator's text, not the stored one")
  t.equal(shown.entry.seq, seq + 1, 'at its place in the thread, for resume')
  t.equal(shown.entry.direction, 'outbound')
  t.equal((await hub.store.getMessage('watering-hole', messageId))?.text, 'Pick one', 'stored as CXone sent it')
  await eventually(async () => (await hub.store.getMessage('watering-hole', messageId))?.status === 'sent', 10_000, 'the delivery job marked it sent')
  const later = ws.frames.length
  await agentSays(hub, threadId, { type: 'TEXT', payload: { text: 'and one more' } })
  await ws.next(f => f.type === 'message' && f.entry.text === 'and one more', 10_000, later)
  t.equal(ws.frames.filter(f => f.type === 'message' && f.entry.messageId === messageId).length, 1, 'shown once')
})

t.test("the session does not read history after the customer's own send", async t => {
  const hub = await startHub(t)
  const { ws } = await chatting(t, hub)
  // the store's real timeline read, counted: the host's threads.history is the only caller
  const store = hub.store as { listMessages: typeof hub.store.listMessages }
  const read = store.listMessages.bind(hub.store)
  let reads = 0
  store.listMessages = async (...args) => { reads++; return await read(...args) }
  const from = ws.frames.length
  ws.send({ type: 'message', clientMessageId: randomUUID(), text: 'second' })
  const ack = await ws.next(f => f.type === 'ack', 10_000, from)
  const echo = await ws.next(f => f.type === 'message' && f.entry.messageId === ack.messageId, 10_000, from)
  t.equal(echo.entry.seq, ack.seq)
  t.equal(echo.entry.text, 'second')
  t.equal(echo.entry.status, 'accepted')
  t.equal(reads, 0, 'no history read')
})

t.test("the customer's other tab shows their message once", async t => {
  const hub = await startHub(t)
  const { ws, token, threadId } = await chatting(t, hub)
  const other = await WidgetClient.open(hub.url)
  t.teardown(() => other.close())
  other.send({ type: 'hello', token })
  await other.next(f => f.type === 'history')
  const from = other.frames.length
  const clientMessageId = randomUUID()
  ws.send({ type: 'message', clientMessageId, text: 'from the first tab' })
  const seen = await other.next(f => f.type === 'message' && f.entry.clientMessageId === clientMessageId, 10_000, from)
  t.equal(seen.entry.threadId, threadId)
  const agent = await agentSays(hub, threadId, { type: 'TEXT', payload: { text: 'both tabs see me' } })
  await other.next(f => f.type === 'message' && f.entry.messageId === agent, 10_000, from)
  await ws.next(f => f.type === 'message' && f.entry.messageId === agent)
  t.equal(other.frames.filter(f => f.type === 'message' && f.entry.clientMessageId === clientMessageId).length, 1, 'once')
})

t.test('agent typing and the thread end reach the widget through the transport', async t => {
  const hub = await startHub(t)
  const { ws, threadId } = await chatting(t, hub)
  const auth = { authorization: `Bearer ${await cxoneToken(hub)}` }
  const typing = await http('POST', `${hub.box}/1.0/channel/chat_watering-hole/thread/${encodeURIComponent(threadId)}/sender-action`, { senderAction: { action: 'isTypingOn' } }, auth)
  t.ok(typing.status < 300, JSON.stringify(typing.body))
  t.same(await ws.next(f => f.type === 'typing'), { type: 'typing', threadId, on: true })
  const thread = await hub.store.getThread('watering-hole', threadId)
  t.ok(await hub.hub.conversations.closeThread(hub.hub.channels.get('watering-hole')!, thread!, 'agent'))
  t.same(await ws.next(f => f.type === 'thread-closed'), { type: 'thread-closed', threadId, reason: 'agent' })
})
