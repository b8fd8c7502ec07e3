import t from 'tap'
import { randomUUID } from 'node:crypto'
import { eventually, http, startHub } from '../../helper.js'
import { identify, WH, WidgetClient } from './ws-client.js'

t.test('customer message reaches the sandbox agent and the reply comes back over the socket', async t => {
  const hub = await startHub(t)
  const me = await identify(hub.url)
  const ws = await WidgetClient.open(hub.url)
  t.teardown(() => ws.close())
  ws.send({ type: 'hello', token: me.token })
  const history = await ws.next(f => f.type === 'history')
  t.same(history.thread, null, 'no thread before the first message')
  const clientMessageId = randomUUID()
  ws.send({ type: 'message', clientMessageId, text: 'Hello from the river' })
  const ack = await ws.next(f => f.type === 'ack')
  t.equal(ack.clientMessageId, clientMessageId)
  const echo = await ws.next(f => f.type === 'message' && f.entry.messageId === ack.messageId)
  t.equal(echo.entry.clientMessageId, clientMessageId)
  const thread = await eventually(async () => {
    const threads = (await http('GET', `${hub.sandboxUrl}/console/api/threads`)).body as any[]
    return threads.find(th => th.idOnExternalPlatform === ack.threadId)
  }, 10_000, 'thread in the sandbox')
  const reply = await http('POST', `${hub.sandboxUrl}/console/api/threads/${thread.id}/reply`, { text: 'Welcome, Zara!' })
  t.equal(reply.status, 200, JSON.stringify(reply.body))
  const agentMsg = await ws.next(f => f.type === 'message' && f.entry.direction === 'outbound')
  t.equal(agentMsg.entry.text, 'Welcome, Zara!')
  t.equal(agentMsg.entry.seq, ack.seq + 1)
})

t.test('a forged token, or another animal\'s id with my signature, is refused', async t => {
  const hub = await startHub(t)
  const me = await identify(hub.url)
  const victim = await identify(hub.url, 'Leo', 'lion')
  const [, iat, sig] = me.token.split('.')
  // one changed character; never the one already there (a signature ends in 'A' one time in 16)
  const changed = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'E' : 'A'}`
  for (const token of [`${victim.customerId}.${iat}.${sig}`, `${me.customerId}.${iat}.${changed}`, 'nonsense']) {
    const ws = await WidgetClient.open(hub.url)
    ws.send({ type: 'hello', token })
    const err = await ws.next(f => f.type === 'error')
    t.equal(err.code, 'BYOC_WATERING_HOLE_ERR_TOKEN_INVALID')
    await eventually(() => ws.closed !== undefined, 5000, 'socket closed')
    t.equal(ws.closed?.code, 4401)
  }
  const ws = await WidgetClient.open(hub.url)
  t.teardown(() => ws.close())
  ws.send({ type: 'message', clientMessageId: randomUUID(), text: 'sneaky' })
  t.equal((await ws.next(f => f.type === 'error')).code, 'BYOC_WATERING_HOLE_ERR_HELLO_REQUIRED', 'nothing before hello')
  const id = await http('POST', `${hub.url}${WH}/identity`, { name: 'Leo', avatar: 'lion', token: `${victim.customerId}.${sig}` })
  t.equal(id.status, 401, 'cannot take over an identity either')
  t.equal(id.body.error.code, 'BYOC_WATERING_HOLE_ERR_TOKEN_INVALID')
})

t.test('a socket from a page not in allowedOrigins is refused before upgrade', async t => {
  const hub = await startHub(t, { channels: [{ id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: 'chat_watering-hole', config: { identitySecret: 'test-identity-secret-0123456789abcdef', allowedOrigins: ['https://savanna.example'] } }] })
  await t.rejects(WidgetClient.open(hub.url, { origin: 'https://evil.example' }), /403/)
  const ok = await WidgetClient.open(hub.url, { origin: 'https://savanna.example' })
  await ok.close()
})

t.test('resume after a dropped connection sends each missed entry once, in order; resends deduplicate', async t => {
  const hub = await startHub(t)
  const me = await identify(hub.url)
  let ws = await WidgetClient.open(hub.url)
  ws.send({ type: 'hello', token: me.token })
  await ws.next(f => f.type === 'history')
  const first = randomUUID()
  ws.send({ type: 'message', clientMessageId: first, text: 'one' })
  const ack = await ws.next(f => f.type === 'ack')
  const thread = await eventually(async () => ((await http('GET', `${hub.sandboxUrl}/console/api/threads`)).body as any[]).find(th => th.idOnExternalPlatform === ack.threadId), 10_000, 'sandbox thread')
  await ws.close()
  for (const text of ['a', 'b', 'c']) t.equal((await http('POST', `${hub.sandboxUrl}/console/api/threads/${thread.id}/reply`, { text })).status, 200)
  await eventually(async () => (await hub.store.listMessages('watering-hole', ack.threadId)).length === 4, 10_000, 'agent messages stored')
  ws = await WidgetClient.open(hub.url)
  t.teardown(() => ws.close())
  ws.send({ type: 'hello', token: me.token, lastSeq: { [ack.threadId]: ack.seq } })
  const resume = await ws.next(f => f.type === 'history')
  t.equal(resume.resume, true)
  t.same(resume.entries.map((e: any) => e.text), ['a', 'b', 'c'])
  t.same(resume.entries.map((e: any) => e.seq), [ack.seq + 1, ack.seq + 2, ack.seq + 3])
  ws.send({ type: 'message', clientMessageId: first, text: 'one' })
  const again = await ws.next(f => f.type === 'ack')
  t.equal(again.messageId, ack.messageId, 'same message id')
  t.equal(again.duplicate, true)
  const later = ws.frames.length
  t.equal((await http('POST', `${hub.sandboxUrl}/console/api/threads/${thread.id}/reply`, { text: 'd' })).status, 200)
  const d = await ws.next(f => f.type === 'message', 10_000, later)
  t.equal(d.entry.text, 'd')
  t.equal(ws.frames.filter(f => f.type === 'message' || f.type === 'history').flatMap(f => f.entries ?? [f.entry]).filter((e: any) => e.text === 'd').length, 1, 'shown once')
  t.equal((await hub.store.listMessages('watering-hole', ack.threadId)).filter(m => m.direction === 'inbound').length, 1, 'stored once')
})
