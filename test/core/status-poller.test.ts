import t, { type Test } from 'tap'
import { ThreadStatusPoller } from '../../core/conversations/status-poller.js'
import { SWEEP_BATCH } from '../../core/conversations/thread-sweep.js'
import { createDfoClient } from '../../core/cxone/dfo-client.js'
import { createTokenSource } from '../../core/cxone/token-client.js'
import { CONTACTS_PAGE_SIZE } from '../../core/sandbox/contact-search.js'
import { eventually, http, startHub, type StartedHub } from '../helper.js'
import { agentEnds, sandboxToken } from '../sandbox-view.js'

const CHANNEL = { id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', name: 'Recorder', config: {} }

/**
 * A poller of the test's own against the hub's sandbox, through a real DFO client whose onCall counts every HTTP
 * call by operation. The hub's own poller is kept out of the way (interval 1h).
 */
async function setup (t: Test, open: number) {
  // hundreds of calls from one address in a minute: the per-IP rate limit is not what this test is about
  const hub = await startHub(t, { server: { rateLimit: { max: 100_000 } }, cxone: { threadStatusInterval: '1h' }, rules: { idle: { enabled: false } }, channels: [CHANNEL] }, { listen: false })
  const calls: string[] = []
  const tokens = createTokenSource({ authUrl: `${hub.sandboxUrl}/auth/token`, accessKeyId: hub.config.sandbox.accessKeyId, accessKeySecret: hub.config.sandbox.accessKeySecret, timeoutMs: 5000, dispatcher: hub.dispatcher! })
  const dfo = createDfoClient({ apiBaseUrl: hub.sandboxUrl, tokens, timeoutMs: 5000, retryBaseMs: 10, retryMaxMs: 100, onCall: (op) => calls.push(op), dispatcher: hub.dispatcher! })
  t.teardown(() => dfo.close())
  const poller = new ThreadStatusPoller(hub.store, hub.hub.channels, dfo, hub.hub.conversations, hub.app.log, 1000)

  for (let i = 0; i < open; i++) await say(hub, `cust-${i}`, `th-${String(i).padStart(4, '0')}`)
  // every case exists in CXone and its number is known to the hub
  await eventually(async () => (await hub.store.listThreads({ channelId: 'recorder', status: 'open' })).filter(x => x.contactId).length === open, 30_000, 'contact ids stored')
  await tokens.get()
  /** one look; what it cost, by operation */
  const look = async () => {
    calls.length = 0
    const closed = await poller.poll()
    return { closed, searchContacts: calls.filter(c => c === 'searchContacts').length, searchThreads: calls.filter(c => c === 'searchThreads').length, total: calls.length }
  }
  return { hub, look }
}

let n = 0
async function say (hub: StartedHub, customerId: string, threadId: string): Promise<void> {
  const res = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId, threadId, messageId: `m-${n++}-${customerId}`, text: 'hello' })
  if (res.status !== 202) throw new Error(`inbound answered ${res.status}: ${JSON.stringify(res.body)}`)
}

const pages = (k: number) => Math.max(1, Math.ceil(k / CONTACTS_PAGE_SIZE))

t.test('the check costs the same at any number of open threads, and grows with the cases that ended', async t => {
  const open = 120
  const { hub, look } = await setup(t, open)

  const first = await look()
  t.same(first, { closed: 0, searchContacts: 1, searchThreads: 1, total: 2 }, 'nothing ended: one contacts search, one thread-search batch')
  for (let i = 0; i < 3; i++) t.same(await look(), first, 'the same every look, whatever the number of open threads')

  const k = 30
  for (let i = 0; i < k; i++) await agentEnds(hub.sandboxUrl, `th-${String(i).padStart(4, '0')}`)
  const after = await look()
  t.equal(after.closed, k, 'every ended case ends its conversation')
  t.equal(after.searchContacts, pages(k), `${k} ended cases: ${pages(k)} pages of ${CONTACTS_PAGE_SIZE}`)
  t.equal(after.searchThreads, 1)
  const closed = await hub.store.listThreads({ channelId: 'recorder', status: 'closed' })
  t.equal(closed.length, k)
  t.ok(closed.every(x => x.closedReason === 'agent' && Number(x.threadId.slice(3)) < k), 'exactly the ended ones, as closed by the agent')

  const again = await look()
  t.equal(again.closed, 0, 'a case is acted on once')
  t.ok(again.searchContacts <= pages(k), 'a later look reads no more than the recent changes')
})

t.test('a closed older case does not end a thread that has a newer case; the newer one does', async t => {
  const { hub, look } = await setup(t, 2)
  await look()
  const threadId = 'th-0000'
  const before = (await hub.store.getThread('recorder', threadId))!
  await agentEnds(hub.sandboxUrl, threadId)
  // the customer writes before the hub looked: CXone opens a new case on the same thread
  await say(hub, 'cust-0', threadId)
  const renewed = await eventually(async () => { const x = await hub.store.getThread('recorder', threadId); return x?.contactId !== before.contactId && x }, 15_000, 'new case number stored')
  t.equal((await look()).closed, 0)
  t.equal((await hub.store.getThread('recorder', threadId))?.status, 'open', 'the conversation goes on under its new case')

  await agentEnds(hub.sandboxUrl, threadId)
  t.equal((await look()).closed, 1)
  t.match(await hub.store.getThread('recorder', threadId), { status: 'closed', closedReason: 'agent', contactId: renewed.contactId })
  t.equal((await hub.store.getThread('recorder', 'th-0001'))?.status, 'open')
})

t.test('a thread archived in CXone (C11) is found by the sweep, one call per look', async t => {
  const open = SWEEP_BATCH + 10
  const { hub, look } = await setup(t, open)
  const token = await sandboxToken(hub.sandboxUrl, hub.config.sandbox)
  const archived = `th-${String(open - 1).padStart(4, '0')}`
  const put = await http('PUT', `${hub.sandboxUrl}/dfo/3.0/channels/chat_recorder/threads/${archived}`, { canAddMoreMessages: false }, { authorization: `Bearer ${token}` })
  t.equal(put.status, 200)
  const first = await look()
  t.same([first.closed, first.searchThreads], [0, 1], 'the first batch does not hold it')
  const second = await look()
  t.same([second.closed, second.searchThreads], [1, 1], 'the next batch does')
  t.match(await hub.store.getThread('recorder', archived), { status: 'closed', closedReason: 'agent' })
})
