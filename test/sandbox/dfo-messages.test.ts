import t from 'tap'
import { CONSOLE_AUTH, CHANNEL, newMessage, startSandboxApp } from './helper.js'

t.test('create message creates customer, thread and contact and answers consumerContact + message', async t => {
  const sb = await startSandboxApp(t)
  const body = newMessage()
  const res = await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, body)
  t.equal(res.statusCode, 200, res.body)
  const out = res.json()
  t.ok(out.consumerContact.id, 'contact id')
  t.equal(out.consumerContact.status, 'new')
  t.ok(out.consumerContact.threadId, 'thread id')
  t.equal(out.message.idOnExternalPlatform, body.idOnExternalPlatform)
  t.ok(out.message.id)

  const threads = await sb.dfo('GET', `/threads?channelId=${CHANNEL.id}&query=conv-1`)
  t.same(threads.json().data.map((d: any) => [d.idOnExternalPlatform, d.canAddMoreMessages]), [['conv-1', true]])
  const view = await sb.app.inject({ headers: CONSOLE_AUTH, method: 'GET', url: `/sandbox/console/api/threads/${out.consumerContact.threadId}` })
  t.same(view.json().messages.map((m: any) => [m.direction, m.text, m.authorName]), [['inbound', 'Hello', 'Jane Doe']])
  t.equal(view.json().thread.customerName, 'Jane Doe')
  t.equal(view.json().thread.channelName, CHANNEL.name)
})

t.test('a second message on the same thread keeps its thread and contact', async t => {
  const sb = await startSandboxApp(t)
  const a = (await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, newMessage())).json()
  const b = (await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, newMessage({ messageContent: { type: 'TEXT', payload: { text: 'again' } } }))).json()
  t.equal(b.consumerContact.threadId, a.consumerContact.threadId)
  t.equal(b.consumerContact.id, a.consumerContact.id)
  t.not(b.message.id, a.message.id)
})

t.test('rejects missing required fields with DFO\'s error envelope naming each field', async t => {
  const sb = await startSandboxApp(t)
  const { thread, authorEndUserIdentity, ...rest } = newMessage()
  void thread; void authorEndUserIdentity
  const res = await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, rest)
  t.equal(res.statusCode, 400)
  const env = res.json()
  t.type(env.uid, 'string')
  t.same(env.errors.map((e: any) => e.field).sort(), ['authorEndUserIdentity', 'thread'])
  for (const e of env.errors) {
    t.type(e.message, 'string')
    t.equal(e.parameters.errorCode, 'fieldIsRequired')
  }

  const nested = await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, newMessage({ thread: {}, direction: 'sideways' }))
  t.equal(nested.statusCode, 400)
  const fields = nested.json().errors.map((e: any) => e.field)
  t.ok(fields.includes('thread.idOnExternalPlatform'), fields.join(','))
  t.ok(fields.includes('direction'), fields.join(','))
})

t.test('malformed JSON gets the envelope too', async t => {
  const sb = await startSandboxApp(t)
  const res = await sb.app.inject({
    method: 'POST', url: `/sandbox/dfo/3.0/channels/${CHANNEL.id}/messages`,
    headers: { authorization: `Bearer ${sb.token}`, 'content-type': 'application/json' }, payload: '{"nope'
  })
  t.equal(res.statusCode, 400)
  t.equal(res.json().errors[0].parameters.errorCode, 'badRequest')
})

t.test('unknown channel is 404 in the envelope', async t => {
  const sb = await startSandboxApp(t)
  const res = await sb.dfo('POST', '/channels/nope/messages', newMessage())
  t.equal(res.statusCode, 404)
  t.equal(res.json().errors[0].parameters.errorCode, 'channelNotFound')
})

t.test('dedupes by idOnExternalPlatform: a repeat returns the first result and adds nothing', async t => {
  const sb = await startSandboxApp(t)
  const body = newMessage()
  const first = await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, body)
  const again = await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, { ...body, messageContent: { type: 'TEXT', payload: { text: 'changed' } } })
  t.equal(again.statusCode, 200)
  t.same(again.json(), first.json())
  const concurrent = await Promise.all([1, 2, 3].map(() => sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, body)))
  for (const r of concurrent) t.same(r.json().message, first.json().message)
  const view = await sb.app.inject({ headers: CONSOLE_AUTH, method: 'GET', url: `/sandbox/console/api/threads/${first.json().consumerContact.threadId}` })
  t.equal(view.json().messages.length, 1)
})

t.test('a thread closed for new messages rejects with cannotAddMoreMessagesToPost, and reopens', async t => {
  const sb = await startSandboxApp(t)
  const first = newMessage()
  await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, first)
  const close = await sb.dfo('PUT', `/channels/${CHANNEL.id}/threads/conv-1`, { canAddMoreMessages: false })
  t.equal(close.statusCode, 200)
  const rejected = await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, newMessage())
  t.equal(rejected.statusCode, 400)
  t.equal(rejected.json().errors[0].parameters.errorCode, 'cannotAddMoreMessagesToPost')
  const retryOfFirst = await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, first)
  t.equal(retryOfFirst.statusCode, 200, 'a retry of an already accepted message still gets its first answer')
  const search = await sb.dfo('GET', `/threads?channelId=${CHANNEL.id}&query=conv-1 other`)
  t.same(search.json(), { totalRecords: 1, data: [{ id: search.json().data[0].id, idOnExternalPlatform: 'conv-1', threadName: '', channelId: CHANNEL.id, canAddMoreMessages: false }] })

  await sb.dfo('PUT', `/channels/${CHANNEL.id}/threads/conv-1`, { canAddMoreMessages: true })
  t.equal((await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, newMessage())).statusCode, 200)
  t.equal((await sb.dfo('PUT', `/channels/${CHANNEL.id}/threads/nope`, { canAddMoreMessages: false })).statusCode, 404)
})

t.test('contact status: closing the contact makes the next message open a new one', async t => {
  const sb = await startSandboxApp(t)
  const a = (await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, newMessage())).json()
  t.equal((await sb.dfo('PUT', `/contacts/${a.consumerContact.id}/status`, { status: 'bogus' })).statusCode, 400)
  t.equal((await sb.dfo('PUT', '/contacts/123/status', { status: 'closed' })).statusCode, 404)
  t.equal((await sb.dfo('PUT', `/contacts/${a.consumerContact.id}/status`, { status: 'closed' })).statusCode, 200)
  const b = (await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, newMessage())).json()
  t.equal(b.consumerContact.threadId, a.consumerContact.threadId)
  t.not(b.consumerContact.id, a.consumerContact.id)
})

t.test('message status and customer typing are recorded for the console', async t => {
  const sb = await startSandboxApp(t)
  const a = (await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, newMessage())).json()
  const typing = await sb.dfo('POST', `/channels/${CHANNEL.id}/threads/conv-1/sender-actions`, { action: 'isTypingOn' })
  t.equal(typing.statusCode, 204)
  const list = async () => (await sb.app.inject({ headers: CONSOLE_AUTH, method: 'GET', url: '/sandbox/console/api/threads' })).json()
  t.equal((await list())[0].customerTyping, true)
  await sb.dfo('POST', `/channels/${CHANNEL.id}/threads/conv-1/sender-actions`, { action: 'isTypingOff' })
  t.equal((await list())[0].customerTyping, false)
  t.equal((await sb.dfo('POST', `/channels/${CHANNEL.id}/threads/conv-1/sender-actions`, { action: 'dancing' })).statusCode, 400)
  t.equal((await sb.dfo('POST', `/channels/${CHANNEL.id}/threads/nope/sender-actions`, { action: 'isTypingOn' })).statusCode, 404)

  const st = await sb.dfo('PUT', `/channels/${CHANNEL.id}/messages/hub-msg-1/status`, { status: 'delivered', updatedAt: new Date().toISOString() })
  t.equal(st.statusCode, 200)
  t.equal((await sb.dfo('PUT', `/channels/${CHANNEL.id}/messages/hub-msg-1/status`, { status: 'read' })).statusCode, 400)
  t.ok(a.consumerContact.threadId)
})
