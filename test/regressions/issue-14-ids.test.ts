import t, { type Test } from 'tap'
import fc from 'fast-check'
import { startHub, http, cxoneToken, type StartedHub } from '../helper.js'
import { bodyFor } from '../reliability/harness/schema-arbitrary.js'
import { channelConfig, postSigned } from '../plugins/generic-webhook/driver.js'

// Issue 14: S-4 fuzzing got 500 from POST /channels/recorder/inbound for the thread id "+ddW){\"\u0000\ud800", and the
// customer's next valid message got 500 too. Every id a platform or CXone hands in now keeps one rule, or gets 400.

const recorder = { id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: {} }
const acme = { id: 'acme', plugin: './plugins/generic-webhook', cxoneChannelId: 'chat_acme', config: channelConfig('http://127.0.0.1:9/unused') }

/** The recorder's inbound body as fuzz.test.ts describes it to the fuzzer. */
const RECORDER_BODY = { type: 'object', required: ['customerId', 'messageId', 'text'], properties: { customerId: { type: 'string', minLength: 1 }, messageId: { type: 'string', minLength: 1 }, text: { type: 'string' }, name: { type: 'string' }, threadId: { type: 'string' } } }
/** With this seed, the fuzzer's own body generator gives the recorder a thread id ending in NUL + lone surrogate. */
const FUZZ_SEED = 67

const send = (hub: StartedHub, body: unknown) => http('POST', `${hub.url}/channels/recorder/inbound`, body)

async function refused (t: Test, res: { status: number, body: any }, what: string): Promise<void> { // intentional any: JSON
  t.equal(res.status, 400, `${what}: 400`)
  t.equal(res.body?.error?.code, 'BYOC_ERR_ID_INVALID', `${what}: ${JSON.stringify(res.body)}`)
}

async function nextMessageAccepted (t: Test, hub: StartedHub, customerId: string, n: string): Promise<void> {
  const current = await send(hub, { customerId, messageId: `next-${n}`, text: 'still here' })
  t.equal(current.status, 202, `the customer's next message (current thread) is accepted: ${JSON.stringify(current.body)}`)
  const named = await send(hub, { customerId, messageId: `named-${n}`, text: 'and here', threadId: `thread-${n}` })
  t.equal(named.status, 202, `and one naming a valid thread: ${JSON.stringify(named.body)}`)
  for (const thread of await hub.store.listThreads({ channelId: 'recorder', customerId })) {
    // eslint-disable-next-line no-control-regex -- control characters are what the test looks for
    t.notMatch(thread.threadId, /[\u0000-\u001F\uFFFD]/, `no thread stored under a broken id (${JSON.stringify(thread.threadId)})`)
  }
}

t.test('the fuzzer\'s thread id (NUL + lone surrogate) gets 400 BYOC_ERR_ID_INVALID, and the customer can go on', async t => {
  const hub = await startHub(t, { channels: [recorder] })

  await refused(t, await send(hub, { customerId: 'c-issue', messageId: 'm-issue', text: 'hi', threadId: '+ddW){"\u0000\ud800' }), 'the id from the issue')
  await nextMessageAccepted(t, hub, 'c-issue', 'issue')

  const [fuzzed] = fc.sample(bodyFor(RECORDER_BODY), { numRuns: 1, seed: FUZZ_SEED }) as Array<Record<string, unknown>>
  // eslint-disable-next-line no-control-regex -- the NUL is what the test looks for
  t.match(fuzzed?.threadId, /\u0000\ud800$/, `seed ${FUZZ_SEED} still gives a thread id ending in NUL + lone surrogate`)
  t.ok(typeof fuzzed?.customerId === 'string' && typeof fuzzed.messageId === 'string', 'with a customer and a message id')
  await refused(t, await send(hub, fuzzed), `the fuzzer's body (seed ${FUZZ_SEED})`)
  await nextMessageAccepted(t, hub, fuzzed!.customerId as string, 'fuzzed')
})

t.test('the rule, on ids a plugin hands in: customer, thread and message', async t => {
  const hub = await startHub(t, { channels: [recorder] })
  await refused(t, await send(hub, { customerId: 'c\u0007bell', messageId: 'm-1', text: 'x' }), 'customer id with a control character')
  await refused(t, await send(hub, { customerId: 'c-2', messageId: 'm\udc00', text: 'x' }), 'message id with a lone low surrogate')
  await refused(t, await send(hub, { customerId: 'c-2', messageId: 'm-2', text: 'x', threadId: 't\u0085' }), 'thread id with a C1 control (NEL)')
  await refused(t, await send(hub, { customerId: 'c-2', messageId: 'm-2', text: 'x', threadId: 'x'.repeat(257) }), 'thread id of 257 characters')
  t.equal(await hub.store.getCustomer('recorder', 'c\u0007bell'), undefined, 'the refused customer id was not stored')

  const longest = await send(hub, { customerId: 'c-2', messageId: 'm-3', text: 'x', threadId: '🦒'.repeat(256) })
  t.equal(longest.status, 202, `256 characters (astral ones, 512 UTF-16 units) are an id: ${JSON.stringify(longest.body)}`)
  const printable = await send(hub, { customerId: 'zèbre 🦓', messageId: 'm-4 «ok»', text: 'x' })
  t.equal(printable.status, 202, `printable non-ASCII ids are ids: ${JSON.stringify(printable.body)}`)
})

t.test('generic-webhook: ids mapped out of the platform\'s event keep the rule', async t => {
  const hub = await startHub(t, { channels: [acme] })
  const url = `${hub.url}/channels/acme`
  const event = (customerId: string, messageId: string) => ({ type: 'message', user: { id: customerId, name: 'Acme customer' }, message: { id: messageId, text: 'hello' } })
  await refused(t, await postSigned(url, 'evt-1', event('cust\u0000', 'pm-1')), 'mapped customer id with NUL')
  await refused(t, await postSigned(url, 'evt-2', event('cust-1', 'pm\ud800')), 'mapped message id with a lone surrogate')
  const ok = await postSigned(url, 'evt-3', event('cust-1', 'pm-1'))
  t.equal(ok.status, 202, `the next valid event is accepted: ${JSON.stringify(ok.body)}`)
})

t.test('CXone-facing routes: M2, M3 and M5 path and body ids keep the rule', async t => {
  const hub = await startHub(t)
  const auth = { authorization: `Bearer ${await cxoneToken(hub)}` }
  const m3 = `${hub.box}/2.0/channel/chat_watering-hole/outbound`
  const content = { messageContent: { type: 'TEXT', payload: { text: 'hello' } } }
  await refused(t, await http('POST', m3, { ...content, thread: { idOnExternalPlatform: 'th\u0000' } }, auth), 'M3 body thread id with NUL')
  await refused(t, await http('POST', m3, { ...content, endUserRecipients: [{ idOnExternalPlatform: 'a_\ud800' }] }, auth), 'M3 recipient id with a lone surrogate')
  await refused(t, await http('POST', m3, { ...content, thread: { idOnExternalPlatform: '' } }, auth), 'M3 empty thread id')
  await refused(t, await http('POST', `${hub.box}/1.0/posts/th%01/messages`, content, auth), 'M2 post id with a control character')
  await refused(t, await http('POST', `${hub.box}/1.0/posts/${'p'.repeat(257)}/messages`, content, auth), 'M2 post id of 257 characters')
  await refused(t, await http('POST', `${hub.box}/1.0/channel/chat_watering-hole/thread/th%7F/sender-action`, { senderAction: { action: 'isTypingOn' } }, auth), 'M5 thread id with DEL')

  const unknown = await http('POST', `${hub.box}/1.0/channel/chat_watering-hole/thread/${encodeURIComponent('th 🦒')}/sender-action`, { senderAction: { action: 'isTypingOn' } }, auth)
  t.equal(unknown.body?.error?.code, 'BYOC_ERR_THREAD_UNKNOWN', 'a valid id passes the rule (and is then looked up)')
})
