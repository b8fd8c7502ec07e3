import t from 'tap'
import { eventually, http, startHub } from '../../helper.js'
import { forceSend, launch, log, newAnimal, online, openWidget, sandboxThread, say, sendOnOwnSocket, startNewChat } from './browser.js'

// Rules set on the channel entry: core fills a channel's own `rules` with defaults, which then hide the
// global ones (reported to the lead), so the global `rules` key does not reach the channel today.
const withRules = (rules: Record<string, unknown>) => ({
  rules,
  channels: [{ id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: 'chat_watering-hole', rules, config: { identitySecret: 'test-identity-secret-0123456789abcdef' } }]
})
const NO_IDLE = withRules({ idle: { enabled: false } })

t.test('idle: "Are you still there?" counts down, "I\'m still here" cancels it, at zero the chat ends', async t => {
  // an 8 s countdown: Playwright's click must beat it after the warning's trip, on a loaded box with browsers in parallel
  const COUNTDOWN_S = 8
  const hub = await startHub(t, withRules({ idle: { timeout: '1500ms', countdown: `${COUNTDOWN_S}s` } }))
  const browser = await launch(t)
  const { page, customerId } = await newAnimal(browser, hub.url)
  await say(page, 'Just checking in')
  await log(page).getByText('Just checking in').waitFor()
  const thread = await eventually(() => hub.store.findCurrentThread('watering-hole', customerId), 10_000, 'open thread')
  // attentive mode (the default): the clock runs once the agent has spoken and the customer owes an answer
  const sbThread = await sandboxThread(hub.sandboxUrl, thread.threadId)
  t.equal((await http('POST', `${hub.sandboxUrl}/console/api/threads/${sbThread.id}/reply`, { text: 'Hello! How can I help?' })).status, 200)

  const banner = page.getByRole('alertdialog', { name: 'Are you still there?' })
  await banner.waitFor({ state: 'visible', timeout: 15_000 })
  const seconds = Number(await page.locator('#wh-idle-seconds').textContent())
  t.ok(seconds >= 1 && seconds <= COUNTDOWN_S, `countdown shows the server's seconds (${seconds})`)
  await page.getByRole('button', { name: "I'm still here" }).click()
  await banner.waitFor({ state: 'hidden' })
  t.equal((await hub.store.getThread('watering-hole', thread.threadId))?.status, 'open', 'activity kept the chat open')

  // leave it alone this time: the warning comes back, counts down and the hub ends the chat
  await banner.waitFor({ state: 'visible', timeout: 15_000 })
  const first = Number(await page.locator('#wh-idle-seconds').textContent())
  await eventually(async () => Number(await page.locator('#wh-idle-seconds').textContent()) < first, 5000, 'countdown ticking')
  await page.getByText('This chat has ended because it was idle.').waitFor({ timeout: 20_000 })
  t.ok(await page.getByLabel('Message').isDisabled(), 'input disabled')
  t.ok(await page.getByRole('button', { name: 'Send' }).isDisabled(), 'send disabled')
  t.equal((await hub.store.getThread('watering-hole', thread.threadId))?.status, 'closed')
  await eventually(async () => (await http('GET', `${hub.sandboxUrl}/console/api/threads/${sbThread.id}`)).body.thread.status === 'closed', 10_000, 'closed in CXone')

  // a new chat opens a new thread
  await startNewChat(page, 'Me again')
  const next = await eventually(() => hub.store.findCurrentThread('watering-hole', customerId), 10_000, 'new thread')
  t.not(next.threadId, thread.threadId)
  await log(page).getByText('Me again').waitFor()
})

t.test('the agent ends the conversation: input disabled, a forced send is rejected, nothing reaches CXone', async t => {
  const hub = await startHub(t, NO_IDLE)
  const browser = await launch(t)
  const { page, customerId } = await newAnimal(browser, hub.url, 'Rhino', 'rhino')
  await say(page, 'I AM VERY ANGRY')
  const thread = await eventually(() => hub.store.findCurrentThread('watering-hole', customerId), 10_000, 'open thread')
  const sb = await sandboxThread(hub.sandboxUrl, thread.threadId)
  const api = `${hub.sandboxUrl}/console/api/threads/${sb.id}`
  await eventually(async () => ((await http('GET', api)).body.messages as any[]).length === 1, 10_000, 'message at the agent')
  t.equal((await http('POST', `${api}/end`)).status, 204)

  await page.getByText('The agent has ended this chat.').waitFor({ timeout: 20_000 })
  t.ok(await page.getByLabel('Message').isDisabled())
  await page.getByRole('button', { name: 'Start a new chat' }).waitFor()

  // forced through the UI (re-enabled by hand) ...
  await forceSend(page, 'STILL ANGRY')
  await page.getByRole('alert').filter({ hasText: 'This chat has ended' }).waitFor()
  // ... and straight onto a socket of its own
  t.equal(await sendOnOwnSocket(page, 'LET ME IN'), 'BYOC_WATERING_HOLE_ERR_THREAD_CLOSED')
  const messages = (await http('GET', api)).body.messages as any[]
  t.same(messages.map(m => m.text), ['I AM VERY ANGRY'], 'no message after the close reached CXone')
  t.equal((await hub.store.listMessages('watering-hole', thread.threadId)).length, 1, 'nor the store')
})

t.test('a dropped connection loses no message: missed agent messages arrive once, in order; queued ones are sent', async t => {
  const hub = await startHub(t, NO_IDLE)
  const browser = await launch(t)
  const { page, customerId } = await newAnimal(browser, hub.url, 'Ellie', 'elephant')
  await say(page, 'first')
  await log(page).getByRole('img', { name: /^(Sent|Delivered)$/ }).first().waitFor({ timeout: 10_000 })
  const thread = await eventually(() => hub.store.findCurrentThread('watering-hole', customerId), 10_000, 'open thread')
  const sb = await sandboxThread(hub.sandboxUrl, thread.threadId)
  const api = `${hub.sandboxUrl}/console/api/threads/${sb.id}`

  await page.evaluate(() => { (window as any).__wsDown = true; for (const s of (window as any).__sockets) s.close() })
  await page.getByRole('status').filter({ hasText: 'reconnecting' }).first().waitFor()
  for (const text of ['agent one', 'agent two', 'agent three']) t.equal((await http('POST', `${api}/reply`, { text })).status, 200)
  await say(page, 'typed while offline')
  await log(page).getByRole('img', { name: 'Sending' }).waitFor()
  await page.evaluate(() => { (window as any).__wsDown = false })
  await online(page)

  await log(page).getByText('agent three').waitFor({ timeout: 15_000 })
  const texts = await log(page).locator('.wh-text').allTextContents()
  t.same(texts.filter(x => x.startsWith('agent')), ['agent one', 'agent two', 'agent three'], 'in order, once each')
  await eventually(async () => ((await http('GET', api)).body.messages as any[]).some(m => m.text === 'typed while offline'), 15_000, 'queued message delivered')
  const atAgent = ((await http('GET', api)).body.messages as any[]).filter(m => m.direction === 'inbound').map(m => m.text)
  t.same(atAgent, ['first', 'typed while offline'], 'each customer message once')
  t.equal(await log(page).getByText('typed while offline').count(), 1)
})

t.test('an agent direct message opens a new thread: seen at once when connected, else on the next visit', async t => {
  const hub = await startHub(t, NO_IDLE)
  const browser = await launch(t)
  const { page, context, customerId } = await newAnimal(browser, hub.url, 'Gina', 'giraffe')
  await say(page, 'hello')
  const first = await eventually(() => hub.store.findCurrentThread('watering-hole', customerId), 10_000, 'open thread')
  const sb = await sandboxThread(hub.sandboxUrl, first.threadId)
  t.equal((await http('POST', `${hub.sandboxUrl}/console/api/threads/${sb.id}/end`)).status, 204)
  await page.getByText('The agent has ended this chat.').waitFor({ timeout: 20_000 })

  const outbound = async (text: string): Promise<void> => {
    const res = await http('POST', `${hub.sandboxUrl}/console/api/outbound`, { channelId: sb.channelId, customerId, text })
    t.equal(res.status, 200, JSON.stringify(res.body))
  }
  await outbound('Your order of fresh leaves has shipped 🌿')
  await log(page).getByText('Your order of fresh leaves has shipped').waitFor({ timeout: 15_000 })
  t.notOk(await page.getByLabel('Message').isDisabled(), 'the new chat is open')
  const second = await hub.store.findCurrentThread('watering-hole', customerId)
  t.ok(second && second.threadId !== first.threadId, 'a new thread')

  // not connected: the next visit shows it
  const sb2 = await sandboxThread(hub.sandboxUrl, second!.threadId)
  t.equal((await http('POST', `${hub.sandboxUrl}/console/api/threads/${sb2.id}/end`)).status, 204)
  await page.getByText('The agent has ended this chat.').waitFor({ timeout: 20_000 })
  await page.close()
  await outbound('Your leaves were delivered')
  const again = await openWidget(browser, hub.url, context)
  await log(again).getByText('Your leaves were delivered').waitFor({ timeout: 15_000 })
  t.notOk(await again.getByLabel('Message').isDisabled())
})
