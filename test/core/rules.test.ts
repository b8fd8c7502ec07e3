import t from 'tap'
import { startHub, http, eventually, cxoneToken } from '../helper.js'
import { startFakePlatform } from '../fake-platform.js'
import { sandboxThread, sandboxToken } from '../sandbox-view.js'

const hubWith = async (t: Parameters<typeof startHub>[0], deliverUrl: string, rules: Record<string, unknown> = {}) => startHub(t, {
  channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: { deliverUrl } }],
  rules: { idle: { timeout: '400ms', countdown: '400ms' }, ...rules }
})

/** The agent answers in the CXone console (the sandbox), so CXone holds the reply as an agent would see it. */
const agentSays = async (hub: Awaited<ReturnType<typeof hubWith>>, threadId: string, text: string) => {
  const view = await eventually(() => sandboxThread(hub.sandboxUrl, threadId), 10_000, 'thread in CXone')
  const r = await http('POST', `${hub.sandboxUrl}/console/api/threads/${encodeURIComponent(view.thread.id)}/reply`, { text })
  if (r.status !== 200) throw new Error(`agent reply: ${r.status}`)
}

t.test('idle rule (attentive): the agent spoke, no answer: warning, countdown, prompt and end line in CXone, then the case closes', async t => {
  const platform = await startFakePlatform(t)
  const hub = await hubWith(t, platform.url)
  const res = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'meerkat', messageId: 'idle-1', text: 'anyone?' })
  const threadId = res.body.messages[0].threadId
  await agentSays(hub, threadId, 'How can I help?')
  const warning = await eventually(() => platform.signals.find(s => s.type === 'idle-warning' && s.threadId === threadId), 10_000, 'idle warning')
  t.equal(warning.text, 'Are you still there?')
  t.ok(warning.endsAt > Date.now() - 5000)
  await eventually(() => platform.signals.find(s => s.type === 'thread-closed' && s.reason === 'idle'), 10_000, 'thread closed signal')
  t.equal((await hub.store.getThread('recorder', threadId))!.status, 'closed')
  const view = await eventually(async () => {
    const v = await sandboxThread(hub.sandboxUrl, threadId)
    return v && v.thread.status === 'closed' && v.thread.contactStatus === 'closed' ? v : undefined
  }, 10_000, 'CXone thread and contact closed')
  t.equal(view.thread.status, 'closed')
  t.same(view.messages.map((m: any) => [m.direction, m.text]), [
    ['inbound', 'anyone?'], ['outbound', 'How can I help?'], ['outbound', 'Are you still there?'], ['outbound', 'The chat ended after 400 milliseconds without an answer']
  ], 'the agent sees what the customer saw, in order, on the one case')
  const late = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'meerkat', threadId, messageId: 'idle-2', text: 'wait!' })
  t.equal(late.status, 409)
  t.equal(late.body.error.code, 'BYOC_ERR_THREAD_CLOSED')
  const fresh = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'meerkat', messageId: 'idle-3', text: 'new chat' })
  t.equal(fresh.status, 202)
  t.not(fresh.body.messages[0].threadId, threadId, 'a new chat opens a new thread')
})

t.test('idle rule (attentive): a customer waiting for the agent is never prompted', async t => {
  const platform = await startFakePlatform(t)
  const hub = await hubWith(t, platform.url)
  const res = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'aardvark', messageId: 'wait-1', text: 'a question' })
  const threadId = res.body.messages[0].threadId
  // the clock would have fired twice over by now; what proves it never ran is the store: no timer for this thread
  await eventually(async () => (await hub.store.outboxStats()).pending === 0, 10_000, 'the message reached CXone')
  t.equal(await hub.store.countTimers(), 0, 'no idle clock')
  t.equal((await hub.store.getThread('recorder', threadId))!.status, 'open')
  t.notOk(platform.signals.some(s => s.type === 'idle-warning'))
})

t.test('idle rule (any-message): the clock runs from the customer\'s own message, as before', async t => {
  const platform = await startFakePlatform(t)
  const hub = await hubWith(t, platform.url, { idle: { mode: 'any-message', timeout: '400ms', countdown: '400ms', endText: 'Bye for now' } })
  const res = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'okapi', messageId: 'any-1', text: 'anyone?' })
  const threadId = res.body.messages[0].threadId
  await eventually(() => platform.signals.find(s => s.type === 'idle-warning' && s.threadId === threadId), 10_000, 'idle warning')
  await eventually(() => platform.signals.find(s => s.type === 'thread-closed' && s.reason === 'idle'), 10_000, 'ended')
  const view = await eventually(async () => {
    const v = await sandboxThread(hub.sandboxUrl, threadId)
    return v && v.thread.contactStatus === 'closed' ? v : undefined
  }, 10_000, 'case closed')
  t.same(view.messages.map((m: any) => m.text), ['anyone?', 'Are you still there?', 'Bye for now'], 'endText as configured')
})

t.test('activity during the countdown cancels it', async t => {
  const platform = await startFakePlatform(t)
  // a countdown the customer's message beats however slow the warning's trip (the test ends on idle-cleared, so the
  // length costs nothing)
  const hub = await hubWith(t, platform.url, { idle: { timeout: '300ms', countdown: '10s' } })
  const res = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'lemur', messageId: 'act-1', text: 'hi' })
  const threadId = res.body.messages[0].threadId
  await agentSays(hub, threadId, 'Hello lemur')
  await eventually(() => platform.signals.find(s => s.type === 'idle-warning'), 10_000, 'warning')
  await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'lemur', threadId, messageId: 'act-2', text: 'still here' })
  await eventually(() => platform.signals.find(s => s.type === 'idle-cleared'), 10_000, 'cleared')
  t.equal((await hub.store.getThread('recorder', threadId))!.status, 'open', 'not ended')
  t.equal(await hub.store.countTimers(), 0, 'answered: no clock left')
})

t.test('agent ends the conversation in CXone: the hub learns it, tells the platform, refuses the customer', async t => {
  const platform = await startFakePlatform(t)
  const hub = await hubWith(t, platform.url, { idle: { enabled: false } })
  const res = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'warthog', messageId: 'end-1', text: 'grr' })
  const threadId = res.body.messages[0].threadId
  const view = await eventually(async () => { const v = await sandboxThread(hub.sandboxUrl, threadId); return v?.thread.contactId ? v : undefined }, 10_000, 'thread in CXone, with its case')
  t.equal((await http('POST', `${hub.sandboxUrl}/console/api/threads/${encodeURIComponent(view.thread.id)}/end`, {})).status < 300, true, 'agent pressed End conversation')
  await eventually(() => platform.signals.find(s => s.type === 'thread-closed' && s.reason === 'agent'), 10_000, 'closed signal (status poll)')
  const refused = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'warthog', threadId, messageId: 'end-2', text: 'GRR' })
  t.equal(refused.status, 409)
  t.equal(refused.body.error.code, 'BYOC_ERR_THREAD_CLOSED')
})

t.test('a thread archived in CXone, seen through cannotAddMoreMessagesToPost, also ends the conversation', async t => {
  const platform = await startFakePlatform(t)
  const hub = await hubWith(t, platform.url, { idle: { enabled: false } })
  // status polling off, so only the DFO error can reveal the close
  await hub.hub.poller.stop()
  const res = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'rhino', messageId: 'cl-1', text: 'one' })
  const threadId = res.body.messages[0].threadId
  await eventually(() => sandboxThread(hub.sandboxUrl, threadId), 10_000, 'thread in CXone')
  // archived (C7), as another integration or an admin may do: CXone then refuses new messages on it
  const archive = await http('PUT', `${hub.sandboxUrl}/dfo/3.0/channels/chat_recorder/threads/${encodeURIComponent(threadId)}`, { canAddMoreMessages: false }, { authorization: `Bearer ${await sandboxToken(hub.sandboxUrl, hub.config.sandbox)}` })
  t.equal(archive.status, 200)
  await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'rhino', threadId, messageId: 'cl-2', text: 'two' })
  await eventually(async () => (await hub.store.getThread('recorder', threadId))?.status === 'closed', 10_000, 'closed by the DFO error')
  t.equal((await hub.store.getMessage('recorder', 'cl-2'))!.status, 'failed')
  // the platform hears of it through a durable job, shortly after the store records the close
  t.ok(await eventually(() => platform.signals.find(s => s.type === 'thread-closed'), 10_000, 'thread-closed signal'))
})

t.test('agent messages reach the platform, retried when it is down, once each', async t => {
  const platform = await startFakePlatform(t, { failFirst: 2 })
  const hub = await hubWith(t, platform.url, { idle: { enabled: false } })
  const res = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'ibis', messageId: 'p-1', text: 'hello' })
  const auth = { authorization: `Bearer ${await cxoneToken(hub)}` }
  for (const text of ['one', 'two', 'three']) {
    const r = await http('POST', `${hub.box}/2.0/channel/chat_recorder/outbound`, { thread: { idOnExternalPlatform: res.body.messages[0].threadId }, messageContent: { type: 'TEXT', payload: { text } } }, auth)
    t.equal(r.status, 200)
  }
  await eventually(() => platform.messages.length >= 3, 10_000, 'three deliveries')
  t.same(platform.messages.map(m => m.text), ['one', 'two', 'three'], 'in order, none twice')
})

t.test('idle end of a thread an agent opened: the hub holds no case number, finds the case by search and closes it', async t => {
  const platform = await startFakePlatform(t)
  const hub = await hubWith(t, platform.url)
  const first = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'okapi', messageId: 'dm-1', text: 'hello' })
  const oldThread = first.body.messages[0].threadId
  await eventually(() => sandboxThread(hub.sandboxUrl, oldThread), 10_000, 'customer known to CXone')
  // the agent's direct message: M3 with no thread, so the hub mints one and CXone opens a case the hub is never told of
  const out = await http('POST', `${hub.sandboxUrl}/console/api/outbound`, { channelId: 'chat_recorder', customerId: 'okapi', text: 'A word about your order' })
  t.equal(out.status, 200)
  const opened = (await http('GET', `${hub.sandboxUrl}/console/api/threads/${encodeURIComponent(out.body.threadId)}`)).body.thread
  const newThread = opened.idOnExternalPlatform as string
  t.not(newThread, oldThread, 'a direct message opens a new thread')
  t.equal((await hub.store.getThread('recorder', newThread))!.contactId, undefined, 'M3 gave the hub no case number')
  await eventually(() => platform.signals.find(s => s.type === 'thread-closed' && s.threadId === newThread && s.reason === 'idle'), 10_000, 'idle end of the new thread')
  const closed = await eventually(async () => {
    const v = (await http('GET', `${hub.sandboxUrl}/console/api/threads/${encodeURIComponent(out.body.threadId)}`)).body.thread
    return v.contactStatus === 'closed' ? v : undefined
  }, 10_000, 'its case closed in CXone')
  t.equal(closed.contactId, opened.contactId, 'the case the agent opened, found by the contacts search')
  t.equal((await hub.store.getThread('recorder', oldThread))!.status, 'open', 'the customer\'s own conversation (waiting for an answer) goes on')
})
