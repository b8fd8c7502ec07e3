import t from 'tap'
import { eventually, http } from '../../helper.js'
import { launch, log, newAnimal, sandboxThread, say } from './browser.js'
import { startLiveRig } from '../../live-rig.js'

// Issue 12 C, in live mode against a CXone stand-in (the sandbox served on its own): idle means the customer is
// away, or owes an answer. rules.idle at 4s / 3s, the default (attentive) mode.
const IDLE = { timeout: '4s', countdown: '3s' }
const config = {
  rules: { idle: IDLE },
  channels: [{ id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: 'chat_watering-hole', rules: { idle: IDLE }, config: { identitySecret: 'test-identity-secret-0123456789abcdef' } }]
}
const PROMPT = 'Are you still there?'
const END_LINE = 'The chat ended after 3 seconds without an answer'

/** The stand-in's view of the case, as the agent's console reads it. */
async function caseOf (cxoneUrl: string, threadId: string): Promise<{ thread: any, messages: any[] }> { // intentional any: console JSON
  const sb = await sandboxThread(cxoneUrl, threadId)
  return (await http('GET', `${cxoneUrl}/console/api/threads/${encodeURIComponent(sb.id)}`)).body
}

async function customerWaiting (t: Parameters<typeof startLiveRig>[0], name: string, avatar: string, idle: typeof IDLE = IDLE) {
  const rules = { idle }
  const rig = await startLiveRig(t, { ...config, rules, channels: config.channels.map(c => ({ ...c, rules })), cxone: { threadStatusInterval: '1s' } })
  // the hub's own sandboxUrl is unused in live mode: every CXone view below is the stand-in's
  const hub = { ...rig.hub, sandboxUrl: rig.cxoneUrl }
  const browser = await launch(t)
  const animal = await newAnimal(browser, hub.url, name, avatar)
  await say(animal.page, 'Is anyone there?')
  const thread = await eventually(() => hub.store.findCurrentThread('watering-hole', animal.customerId), 10_000, 'open thread')
  await eventually(async () => (await caseOf(hub.sandboxUrl, thread.threadId)).messages.length === 1, 15_000, 'the question reached CXone')
  const agentSays = async (text: string): Promise<void> => {
    const sb = await sandboxThread(hub.sandboxUrl, thread.threadId)
    t.equal((await http('POST', `${hub.sandboxUrl}/console/api/threads/${encodeURIComponent(sb.id)}/reply`, { text })).status, 200)
  }
  return { hub, ...animal, thread, agentSays }
}

t.test('a customer waiting 9 s for an answer, widget open, is not prompted', async t => {
  const { hub, page, thread } = await customerWaiting(t, 'Patient Pangolin', 'lion')
  const until = Date.now() + 9000
  // the claim is about a span of time: watch all of it, the prompt must never show and no clock may run
  while (Date.now() < until) {
    t.notOk(await page.getByRole('alertdialog', { name: PROMPT }).isVisible(), 'no prompt')
    await new Promise(r => setTimeout(r, 500))
  }
  t.equal(await log(page).getByText(PROMPT).count(), 0, 'no prompt in the transcript')
  t.equal(await hub.store.countTimers(), 0, 'no idle clock in the store')
  t.equal((await hub.store.getThread('watering-hole', thread.threadId))?.status, 'open')
  const cxCase = await caseOf(hub.sandboxUrl, thread.threadId)
  t.not(cxCase.thread.contactStatus, 'closed', 'the case is still open in CXone')
})

t.test('after the agent\'s message: the prompt in the transcript with a countdown, then the case is closed in CXone, prompt recorded there', async t => {
  // an 8 s countdown (not the file's 3 s): the prompt comes through the outbox, then several Playwright round trips
  // read the seconds before they run out, on a loaded box with browsers in parallel
  const COUNTDOWN_S = 8
  const { hub, page, thread, agentSays } = await customerWaiting(t, 'Drowsy Dormouse', 'monkey', { ...IDLE, countdown: `${COUNTDOWN_S}s` })
  const endLine = `The chat ended after ${COUNTDOWN_S} seconds without an answer`
  await agentSays('Here is your answer. Anything else?')
  await log(page).getByText('Here is your answer').waitFor({ timeout: 15_000 })

  const line = log(page).locator('.wh-system').filter({ hasText: PROMPT })
  await line.waitFor({ timeout: 15_000 })
  await eventually(async () => /This chat ends in \d s/.test(await line.locator('.wh-line-countdown').textContent() ?? ''), 5000, 'countdown on the prompt line')
  const first = Number(await page.locator('#wh-idle-seconds').textContent())
  t.ok(first >= 1 && first <= COUNTDOWN_S, `countdown from the server's seconds (${first})`)
  await eventually(async () => Number(await page.locator('#wh-idle-seconds').textContent()) < first, 5000, 'countdown ticking')

  await page.getByText('This chat has ended because it was idle.').waitFor({ timeout: 20_000 })
  await log(page).getByText(endLine).waitFor()
  t.ok(await page.getByLabel('Message').isDisabled(), 'input disabled')
  const cxCase = await eventually(async () => {
    const c = await caseOf(hub.sandboxUrl, thread.threadId)
    return c.thread.contactStatus === 'closed' ? c : undefined
  }, 15_000, 'case closed in CXone')
  t.same(cxCase.messages.map((m: any) => [m.direction, m.text]), [
    ['inbound', 'Is anyone there?'], ['outbound', 'Here is your answer. Anything else?'], ['outbound', PROMPT], ['outbound', endLine]
  ], 'the agent sees the prompt and the end line, on the same case, before it closed')
})

t.test('a customer message during the countdown keeps the conversation', async t => {
  // an 8 s countdown (not the file's 3 s): Playwright's typing must beat it, on a loaded box with browsers in parallel
  const COUNTDOWN_MS = 8000
  const { hub, page, thread, agentSays } = await customerWaiting(t, 'Quick Quokka', 'zebra', { ...IDLE, countdown: `${COUNTDOWN_MS}ms` })
  await agentSays('Which colour would you like?')
  const banner = page.getByRole('alertdialog', { name: PROMPT })
  await banner.waitFor({ state: 'visible', timeout: 15_000 })
  const endsAt = Date.now() + COUNTDOWN_MS
  await say(page, 'Green, please')
  await banner.waitFor({ state: 'hidden', timeout: 10_000 })
  await eventually(async () => (await hub.store.countTimers()) === 0, 10_000, 'the clock stopped: the customer answered')
  // past the moment the countdown would have ended, the conversation is still on, here and in CXone
  await eventually(() => Date.now() > endsAt + 2000, COUNTDOWN_MS + 10_000, 'past the countdown')
  t.equal((await hub.store.getThread('watering-hole', thread.threadId))?.status, 'open')
  t.notOk(await page.getByLabel('Message').isDisabled(), 'input still enabled')
  const cxCase = await caseOf(hub.sandboxUrl, thread.threadId)
  t.not(cxCase.thread.contactStatus, 'closed')
  t.ok(cxCase.messages.some((m: any) => m.text === 'Green, please'), 'the answer reached the agent')
})

t.test('a customer who closes the page while waiting: the case is closed in CXone once timeout plus countdown have passed', async t => {
  const { hub, page, thread } = await customerWaiting(t, 'Fleeting Fox', 'leopard')
  const leftAt = Date.now()
  await page.close()
  const cxCase = await eventually(async () => {
    const c = await caseOf(hub.sandboxUrl, thread.threadId)
    return c.thread.contactStatus === 'closed' ? c : undefined
  }, 25_000, 'case closed in CXone')
  t.ok(Date.now() - leftAt >= 7000, 'not before timeout plus countdown')
  t.equal((await hub.store.getThread('watering-hole', thread.threadId))?.closedReason, 'idle')
  t.same(cxCase.messages.map((m: any) => m.text), ['Is anyone there?', PROMPT, END_LINE], 'prompt and end line recorded before the close')
})
