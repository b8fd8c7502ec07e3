import type { Test } from 'tap'
import t from 'tap'
import { startFakeHub } from './fake-hub.js'
import { CHANNEL, CONSOLE_AUTH, newMessage, startSandboxApp } from './helper.js'
import { SandboxState } from '../../core/sandbox/state.js'

async function setup (t: Test) {
  const fake = await startFakeHub(t)
  const sb = await startSandboxApp(t, { hub: fake.hub, brandId: 55 })
  const created = (await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, newMessage())).json()
  const threadId: string = created.consumerContact.threadId
  const api = (method: 'GET' | 'POST', path: string, payload?: object) => sb.app.inject({ method, url: `/sandbox/console/api${path}`, headers: CONSOLE_AUTH, ...(payload ? { payload } : {}) })
  return { fake, sb, threadId, api }
}

t.test('an agent reply gets a token, then posts the outbound body to the hub', async t => {
  const { fake, threadId, api } = await setup(t)
  const res = await api('POST', `/threads/${threadId}/reply`, { text: 'Hi Jane' })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.json().sendState, 'sent')
  t.same(fake.tokenRequests, [{ grant_type: 'client_credentials', client_id: 'sandbox', client_secret: 'hub-secret' }])
  t.equal(fake.calls.length, 1)
  const call = fake.calls[0]!
  t.equal(call.path, `/integration/box/2.0/channel/${CHANNEL.id}/outbound`)
  t.equal(call.auth, 'Bearer hub-token-1')
  t.same(call.body, {
    brand: { id: 55, friendlyName: 'Sandbox Brand' },
    thread: { idOnExternalPlatform: 'conv-1' },
    messageContent: { type: 'TEXT', payload: { text: 'Hi Jane' } },
    endUserRecipients: [{ idOnExternalPlatform: 'cust-1', name: 'Jane Doe', isPrimary: true, isPrivate: false }],
    authorUser: { firstName: 'Sam', lastName: 'Agent' },
    attachments: []
  })
  const hubMessageId = res.json().idOnExternalPlatform
  t.match(hubMessageId, /^hub-msg-/)

  await api('POST', `/threads/${threadId}/reply`, { text: 'second' })
  t.equal(fake.tokenRequests.length, 1, 'the token is cached')
})

t.test('delivery status reported by the hub appears on the agent message and only moves forward', async t => {
  const { sb, threadId, api } = await setup(t)
  const sent = (await api('POST', `/threads/${threadId}/reply`, { text: 'Hi' })).json()
  const status = async () => (await api('GET', `/threads/${threadId}`)).json().messages.find((m: any) => m.id === sent.id).status
  t.equal(await status(), 'sent')
  for (const [reported, shown] of [['delivered', 'delivered'], ['seen', 'seen'], ['delivered', 'seen']]) {
    const r = await sb.dfo('PUT', `/channels/${CHANNEL.id}/messages/${sent.idOnExternalPlatform}/status`, { status: reported, updatedAt: new Date().toISOString() })
    t.equal(r.statusCode, 200)
    t.equal(await status(), shown)
  }
})

t.test('on a 401 the sandbox fetches a new token and retries once', async t => {
  const { fake, threadId, api } = await setup(t)
  await api('POST', `/threads/${threadId}/reply`, { text: 'one' })
  fake.revokeTokens()
  const res = await api('POST', `/threads/${threadId}/reply`, { text: 'two' })
  t.equal(res.json().sendState, 'sent')
  t.equal(fake.tokenRequests.length, 2)
  t.same(fake.calls.map(c => c.auth), ['Bearer hub-token-1', 'Bearer hub-token-1', 'Bearer hub-token-3'])
})

t.test('a second 401 fails the message without a third try', async t => {
  const { fake, threadId, api } = await setup(t)
  fake.ctl.rejectAllTokens = true
  const res = await api('POST', `/threads/${threadId}/reply`, { text: 'lost' })
  t.equal(res.statusCode, 200)
  t.equal(res.json().sendState, 'failed')
  t.match(res.json().error, /401/)
  t.equal(fake.calls.length, 2)
  t.equal(fake.tokenRequests.length, 2)
  const view = (await api('GET', `/threads/${threadId}`)).json()
  t.same(view.messages.map((m: any) => [m.direction, m.status]), [['inbound', undefined], ['outbound', 'failed']])
})

t.test('a hub that rejects the client credentials fails the call clearly', async t => {
  const { fake, threadId, api } = await setup(t)
  fake.hub.clientSecret = 'wrong'
  const res = await api('POST', `/threads/${threadId}/typing`, { action: 'isTypingOn' })
  t.equal(res.statusCode, 502)
  t.equal(res.json().error.code, 'BYOC_ERR_SANDBOX_HUB_FAILED')
  t.match(res.json().error.message, /token endpoint answered 401/)
})

t.test('agent typing posts a sender action to the hub', async t => {
  const { fake, threadId, api } = await setup(t)
  t.equal((await api('POST', `/threads/${threadId}/typing`, { action: 'isTypingOn' })).statusCode, 204)
  t.equal((await api('POST', `/threads/${threadId}/typing`, { action: 'nope' })).statusCode, 400)
  t.equal(fake.calls[0]!.path, `/integration/box/1.0/channel/${CHANNEL.id}/thread/conv-1/sender-action`)
  t.same(fake.calls[0]!.body.senderAction, { action: 'isTypingOn' })
})

t.test('ending a conversation closes the case, not the thread; the next customer message opens a new case', async t => {
  const { sb, threadId, api } = await setup(t)
  const before = (await api('GET', `/threads/${threadId}`)).json().thread
  t.equal((await api('POST', `/threads/${threadId}/end`)).statusCode, 204)
  const search = (await sb.dfo('GET', `/threads?channelId=${CHANNEL.id}&query=conv-1`)).json()
  t.equal(search.data[0].canAddMoreMessages, true, 'the thread is not archived, as in CXone')
  const thread = (await api('GET', `/threads/${threadId}`)).json().thread
  t.equal(thread.status, 'closed', 'ended for the agent')
  t.equal(thread.contactStatus, 'closed')
  t.equal(thread.canAddMoreMessages, true)
  const contact = (await sb.dfo('GET', `/contacts/${before.contactId}`)).json()
  t.equal(contact.status, 'closed')
  t.equal(contact.threadIdOnExternalPlatform, 'conv-1')

  const again = await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, newMessage())
  t.equal(again.statusCode, 200)
  t.not(again.json().consumerContact.id, before.contactId, 'a new case')
  t.equal(again.json().consumerContact.status, 'new')
  t.equal((await api('GET', `/threads/${threadId}`)).json().thread.status, 'open', 'open again for the agent')
  t.equal((await api('POST', `/threads/${threadId}/end`)).statusCode, 204, 'ending twice is harmless')
})

t.test('a thread with no case yet (its first message still being created) is not listed, and ending it answers 409 and ends nothing', async t => {
  const { sb, api } = await setup(t)
  // the moment inside create-message after the thread exists and before its case does
  const bare = await new SandboxState(sb.store).ensureThread(CHANNEL.id, 'conv-bare', 'cust-1')
  const listed = async () => (await api('GET', '/threads')).json().some((x: { id: string }) => x.id === bare.id)
  t.notOk(await listed(), 'not in the agent\'s list before it has a case')
  const res = await api('POST', `/threads/${bare.id}/end`)
  t.equal(res.statusCode, 409)
  t.equal(res.json().error.code, 'BYOC_ERR_SANDBOX_NO_CASE')
  // the message then completes: its case opens, and it is the agent's to end
  const created = (await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, newMessage({ thread: { idOnExternalPlatform: 'conv-bare' } }))).json()
  t.equal(created.consumerContact.status, 'new', 'the case the message opened is not ended by the refused press')
  t.ok(await listed(), 'listed once its case is open')
  t.equal((await api('POST', `/threads/${bare.id}/end`)).statusCode, 204)
  t.equal((await sb.dfo('GET', `/contacts/${created.consumerContact.id}`)).json().status, 'closed')
})

t.test('a new outbound to a known customer omits the thread and records the hub\'s new thread', async t => {
  const { fake, api } = await setup(t)
  const customers = (await api('GET', '/customers')).json()
  t.same(customers, [{ channelId: CHANNEL.id, channelName: CHANNEL.name, customerId: 'cust-1', name: 'Jane Doe' }])
  const res = await api('POST', '/outbound', { channelId: CHANNEL.id, customerId: 'cust-1', text: 'We have news' })
  t.equal(res.statusCode, 200, res.body)
  const call = fake.calls.at(-1)!
  t.notOk('thread' in call.body, 'no thread in a new outbound')
  t.equal(call.body.endUserRecipients[0].idOnExternalPlatform, 'cust-1')
  const threads = (await api('GET', '/threads')).json()
  t.equal(threads.length, 2)
  const fresh = threads.find((x: any) => x.id === res.json().threadId)
  t.match(fresh.idOnExternalPlatform, /^hub-thread-/)
  t.equal(fresh.customerName, 'Jane Doe')
  t.equal(fresh.status, 'open')
  t.equal((await api('POST', '/outbound', { channelId: CHANNEL.id, customerId: 'stranger', text: 'x' })).statusCode, 404)
  t.equal((await api('POST', '/outbound', { channelId: CHANNEL.id, customerId: 'cust-1' })).statusCode, 400)
})
