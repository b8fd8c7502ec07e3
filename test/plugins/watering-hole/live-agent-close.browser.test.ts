import t from 'tap'
import { eventually, http } from '../../helper.js'
import { startLiveRig } from '../../live-rig.js'
import { forceSend, launch, log, newAnimal, sandboxThread, say, sendOnOwnSocket, startNewChat } from './browser.js'

const INTERVAL_MS = 1000
// the bound the issue sets: threadStatusInterval plus a few seconds (generous: two cores shared by many test runs)
const SEEN_WITHIN_MS = INTERVAL_MS + 9000
const NO_IDLE = { idle: { enabled: false } }

t.test('live mode, CXone semantics: the agent closes the case, the widget ends the chat, a new chat is a new thread', async t => {
  const { hub, cxoneUrl } = await startLiveRig(t, {
    cxone: { threadStatusInterval: `${INTERVAL_MS}ms` },
    rules: NO_IDLE,
    channels: [{ id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: 'chat_watering-hole', rules: NO_IDLE, config: { identitySecret: 'test-identity-secret-0123456789abcdef' } }]
  })
  t.equal(hub.config.cxone.mode, 'live')
  const browser = await launch(t)
  const { page, customerId } = await newAnimal(browser, hub.url, 'Hippo', 'hippo')
  await say(page, 'My pond is too shallow')
  const thread = await eventually(() => hub.store.findCurrentThread('watering-hole', customerId), 10_000, 'open thread')
  const sb = await sandboxThread(cxoneUrl, thread.threadId)
  const api = `${cxoneUrl}/console/api/threads/${sb.id}`
  await eventually(async () => ((await http('GET', api)).body.messages as any[]).length === 1, 10_000, 'the message at the agent')

  // the agent closes the case, as in CXone: the thread itself stays open for messages
  t.equal((await http('POST', `${api}/end`)).status, 204)
  const atAgent = (await http('GET', api)).body.thread
  t.match(atAgent, { contactStatus: 'closed', canAddMoreMessages: true })

  await page.getByText('The agent has ended this chat.').waitFor({ timeout: SEEN_WITHIN_MS })
  t.ok(await page.getByLabel('Message').isDisabled(), 'input disabled')
  t.match(await hub.store.getThread('watering-hole', thread.threadId), { status: 'closed', closedReason: 'agent' })

  // a forced send is refused, through the widget and on a socket of its own; nothing reaches CXone
  await forceSend(page, 'But the pond!')
  await page.getByRole('alert').filter({ hasText: 'This chat has ended' }).waitFor()
  t.equal(await sendOnOwnSocket(page, 'LET ME IN'), 'BYOC_WATERING_HOLE_ERR_THREAD_CLOSED')
  t.equal((await hub.store.listMessages('watering-hole', thread.threadId)).length, 1, 'refused before storing, so nothing can be sent later')
  t.same(((await http('GET', api)).body.messages as any[]).map(m => m.text), ['My pond is too shallow'], 'nothing more in CXone')
  t.equal((await http('GET', api)).body.thread.contactId, atAgent.contactId, 'no new case was opened')

  // "Start a new chat" opens a new thread, which reaches CXone as a thread of its own
  await startNewChat(page, 'About that pond')
  const next = await eventually(() => hub.store.findCurrentThread('watering-hole', customerId), 10_000, 'the new thread')
  t.not(next.threadId, thread.threadId)
  await log(page).getByText('About that pond').waitFor()
  const sbNext = await sandboxThread(cxoneUrl, next.threadId)
  t.not(sbNext.id, sb.id, 'a new thread in CXone')
  await eventually(async () => ((await http('GET', `${cxoneUrl}/console/api/threads/${sbNext.id}`)).body.messages as any[]).some(m => m.text === 'About that pond'), 10_000, 'the new chat at the agent')
})
