import t from 'tap'
import { eventually, http } from '../../helper.js'
import { startLiveRig } from '../../live-rig.js'
import { launch, log, newAnimal, sandboxThread, say } from './browser.js'

const CH = 'watering-hole'

t.test('an agent\'s direct message opens a new thread: the widget shows it and the customer\'s next message goes there', async t => {
  // live mode against a CXone stand-in served on its own: the hub's own sandboxUrl is unused, the stand-in's is the view
  const rig = await startLiveRig(t)
  const hub = { ...rig.hub, sandboxUrl: rig.cxoneUrl }
  const browser = await launch(t)
  const { page, customerId } = await newAnimal(browser, hub.url, 'Ravi', 'zebra')
  const consoleApi = `${hub.sandboxUrl}/console/api`

  await say(page, 'Is the north pond open?')
  await log(page).getByRole('img', { name: /^(Sent|Delivered)$/ }).first().waitFor({ timeout: 10_000 })
  const first = await eventually(() => hub.store.findCurrentThread(CH, customerId), 10_000, 'the first thread')
  const sbFirst = await sandboxThread(hub.sandboxUrl, first.threadId)

  // the agent writes to the customer directly (CXone's outbound without a thread): the hub opens a new thread
  const direct = await http('POST', `${consoleApi}/outbound`, { channelId: 'chat_watering-hole', customerId, text: 'A ranger note: the south pond is cleaner today.' })
  t.equal(direct.status, 200)
  const sbDirect = (await http('GET', `${consoleApi}/threads/${direct.body.threadId}`)).body
  const directThreadId: string = sbDirect.thread.idOnExternalPlatform
  t.not(directThreadId, first.threadId, 'a new thread, not the customer\'s open one')
  t.equal((await hub.store.getThread(CH, first.threadId))?.status, 'open', 'the first thread stays open')
  t.equal((await hub.store.findCurrentThread(CH, customerId))?.threadId, directThreadId, 'the direct message\'s thread is current')

  // the widget shows the direct message as the current conversation
  await log(page).getByText('A ranger note: the south pond is cleaner today.').waitFor({ timeout: 10_000 })
  t.equal(await log(page).getByText('Is the north pond open?').count(), 0, 'the new conversation replaces the old one on screen')

  // the customer's next message lands in the new thread, at CXone too
  await say(page, 'Thanks, heading south!')
  await eventually(async () => ((await http('GET', `${consoleApi}/threads/${direct.body.threadId}`)).body.messages as any[])
    .find(m => m.text === 'Thanks, heading south!' && m.direction === 'inbound'), 15_000, 'the answer in the direct message\'s thread in the sandbox')
  t.same((await hub.store.listMessages(CH, directThreadId)).map(m => m.text), ['A ranger note: the south pond is cleaner today.', 'Thanks, heading south!'])
  t.equal((await hub.store.listMessages(CH, first.threadId)).length, 1, 'nothing more on the first thread')

  // a reply on the first thread still reaches the customer (it is the latest activity again, so the widget shows it)
  t.equal((await http('POST', `${consoleApi}/threads/${sbFirst.id}/reply`, { text: 'About the north pond: yes, open.' })).status, 200)
  await log(page).getByText('About the north pond: yes, open.').waitFor({ timeout: 10_000 })
  await log(page).getByText('Is the north pond open?').waitFor()
  t.equal((await hub.store.findCurrentThread(CH, customerId))?.threadId, first.threadId)

  // after a reload the widget opens on the current thread
  await page.reload()
  await log(page).getByText('About the north pond: yes, open.').waitFor({ timeout: 10_000 })
})
