import t from 'tap'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, eventually, http, startHub } from '../../helper.js'
import { launch, log, newAnimal, sandboxThread, say } from './browser.js'
import { testDir } from '../../test-dir.js'

t.test('customer writes, agent replies; typing and read receipts show both ways', async t => {
  const hub = await startHub(t)
  const browser = await launch(t)
  const { page, customerId } = await newAnimal(browser, hub.url, 'Zara', 'zebra')

  await say(page, 'Hi! Is the water safe to drink today?')
  await log(page).getByText('Is the water safe').waitFor()
  await log(page).getByRole('img', { name: /^(Sent|Delivered)$/ }).first().waitFor({ timeout: 10_000 })
  const thread = await eventually(() => hub.store.findCurrentThread('watering-hole', customerId), 10_000, 'open thread')
  const sbThread = await sandboxThread(hub.sandboxUrl, thread.threadId)
  const api = `${hub.sandboxUrl}/console/api/threads/${sbThread.id}`
  const inSandbox = await eventually(async () => ((await http('GET', api)).body.messages as any[]).find(m => m.text === 'Hi! Is the water safe to drink today?'), 10_000, 'message at the agent')
  t.equal(inSandbox.direction, 'inbound')

  // customer typing -> agent sees it
  await page.getByLabel('Message').fill('Also…')
  await eventually(async () => (await http('GET', api)).body.thread.customerTyping === true, 10_000, 'agent sees the customer typing')

  // agent typing -> widget shows it
  t.equal((await http('POST', `${api}/typing`, { action: 'isTypingOn' })).status, 204)
  await page.getByText('Agent is typing').waitFor({ state: 'visible', timeout: 10_000 })

  const reply = await http('POST', `${api}/reply`, { text: 'Yes, fresh from the spring. 🦒' })
  t.equal(reply.status, 200)
  await log(page).getByText('Yes, fresh from the spring.').waitFor()
  await page.getByText('Agent is typing').waitFor({ state: 'hidden', timeout: 10_000 })

  // the page is visible, so the widget reports the agent's message seen (DFO message status)
  await eventually(async () => ((await http('GET', api)).body.messages as any[]).find(m => m.direction === 'outbound')?.status === 'seen', 10_000, 'agent message seen')

  // each message shows once
  t.equal(await log(page).getByText('Yes, fresh from the spring.').count(), 1)
  t.equal(await log(page).getByText('Is the water safe').count(), 1)

  // accessible names the issue asks for
  t.equal(await page.getByRole('log').count(), 1)
  t.equal(await page.getByRole('button', { name: 'Send' }).count(), 1)

  await page.getByLabel('Message').fill('Thank you, see you at sunset!')
  // the README's picture: refreshed with WH_SCREENSHOT=1 (otherwise every run would dirty the working tree)
  const dir = process.env.WH_SCREENSHOT ? join(ROOT, 'docs', 'images') : testDir(t, {})
  mkdirSync(dir, { recursive: true })
  await page.screenshot({ path: join(dir, 'widget.png') })

  // reload: same identity, same conversation, every message once
  await page.reload()
  await log(page).getByText('Yes, fresh from the spring.').waitFor()
  t.equal(await log(page).getByText('Is the water safe').count(), 1)
  t.equal(await log(page).getByText('Yes, fresh from the spring.').count(), 1)
})
