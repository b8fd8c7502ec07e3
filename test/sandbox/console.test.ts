import t from 'tap'
import { openConsole } from './browser.js'
import { startFakeHub } from './fake-hub.js'
import { CONSOLE_AUTH, CHANNEL, newMessage, startSandboxApp, until } from './helper.js'

t.test('agent console: reply, typing, delivery status, end conversation, new outbound', async t => {
  const fake = await startFakeHub(t)
  const sb = await startSandboxApp(t, { hub: fake.hub }, { listen: true })
  await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, newMessage({ messageContent: { type: 'TEXT', payload: { text: 'Hello, is anyone there?' } } }))

  const { page, logHas, pageErrors } = await openConsole(t, sb.url)
  await page.getByRole('button', { name: /Jane Doe/ }).click()
  await logHas('Hello, is anyone there?')
  t.equal(await page.getByRole('heading', { level: 2, name: 'Conversation with Jane Doe' }).count(), 1)

  // the customer types (DFO C6) and the console says so
  await sb.dfo('POST', `/channels/${CHANNEL.id}/threads/conv-1/sender-actions`, { action: 'isTypingOn' })
  await until(async () => page.getByText('Customer is typing…').isVisible(), 'customer typing indicator')

  // the agent types: one isTypingOn to the hub; sending ends typing
  await page.getByLabel('Reply').fill('Hi Jane, how can I help?')
  await until(() => fake.calls.some(c => c.body?.senderAction?.action === 'isTypingOn'), 'isTypingOn at the hub')
  await page.getByRole('button', { name: 'Send reply' }).click()
  const outbound = await until(() => fake.calls.find(c => c.path.endsWith('/outbound')), 'the reply at the hub')
  t.equal(outbound.body.messageContent.payload.text, 'Hi Jane, how can I help?')
  t.same(outbound.body.thread, { idOnExternalPlatform: 'conv-1' })
  await until(() => fake.calls.some(c => c.body?.senderAction?.action === 'isTypingOff'), 'isTypingOff at the hub')
  t.equal(fake.calls.filter(c => c.body?.senderAction?.action === 'isTypingOn').length, 1, 'typing is debounced into one isTypingOn')
  await logHas('Hi Jane, how can I help?')
  await logHas('Sent')

  // the hub reports delivery, then reading (DFO C5)
  const hubMessageId = (await until(async () => (await sb.app.inject({ headers: CONSOLE_AUTH, method: 'GET', url: '/sandbox/console/api/threads' })).json()[0], 'thread')).id
  const view = (await sb.app.inject({ headers: CONSOLE_AUTH, method: 'GET', url: `/sandbox/console/api/threads/${hubMessageId}` })).json()
  const agentMsg = view.messages.find((m: any) => m.direction === 'outbound')
  await sb.dfo('PUT', `/channels/${CHANNEL.id}/messages/${agentMsg.idOnExternalPlatform}/status`, { status: 'delivered', updatedAt: new Date().toISOString() })
  await logHas('Delivered')
  await sb.dfo('PUT', `/channels/${CHANNEL.id}/messages/${agentMsg.idOnExternalPlatform}/status`, { status: 'seen', updatedAt: new Date().toISOString() })
  await logHas('Read')

  // a new customer message appears live
  await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, newMessage({ messageContent: { type: 'TEXT', payload: { text: 'My order is late' } } }))
  await logHas('My order is late')
  t.notOk(await page.getByText('Customer is typing…').isVisible(), 'a customer message ends the typing indicator')

  // End conversation closes the case; the thread stays open for new messages, which open a new case
  await page.getByRole('button', { name: 'End conversation' }).click()
  await until(async () => page.getByLabel('Reply').isDisabled(), 'reply box disabled')
  const search = (await sb.dfo('GET', `/threads?channelId=${CHANNEL.id}&query=conv-1`)).json()
  t.equal(search.data[0].canAddMoreMessages, true)
  const closed = (await sb.dfo('GET', `/contacts?channel[]=${CHANNEL.id}&status[]=closed`)).json()
  t.equal(closed.hits, 1)

  // New outbound message to the known customer opens a new thread
  await page.getByLabel('Customer').selectOption({ label: `Jane Doe (${CHANNEL.name})` })
  await page.getByLabel('Message').fill('Your order shipped today')
  await page.getByRole('button', { name: 'Send outbound' }).click()
  const fresh = await until(() => fake.calls.find(c => c.path.endsWith('/outbound') && !c.body.thread), 'the new outbound at the hub')
  t.equal(fresh.body.messageContent.payload.text, 'Your order shipped today')
  await logHas('Your order shipped today')
  await until(async () => (await page.getByRole('heading', { level: 2, name: 'Conversation with Jane Doe' }).count()) === 1, 'new thread selected')
  t.equal(await page.getByLabel('Reply').isDisabled(), false, 'the new thread is open')
  t.equal(await page.getByRole('listitem').filter({ hasText: 'Jane Doe' }).count(), 2, 'two threads listed')
  t.same(pageErrors, [])
})

t.test('agent console: Integrations links carry a one-time token', async t => {
  const fake = await startFakeHub(t)
  const sb = await startSandboxApp(t, { hub: fake.hub }, { listen: true })
  const { page } = await openConsole(t, sb.url)
  await page.getByRole('button', { name: 'Get one-time token links' }).click()
  const href = await until(async () => (await page.getByRole('link', { name: 'Add channel' }).getAttribute('href', { timeout: 100 }).catch(() => null)) ?? undefined, 'links')
  const url = new URL(href)
  t.equal(url.origin + url.pathname, `${fake.hub.boxUrl()}/action/add`)
  for (const p of ['userId', 'brandId', 'token', 'apiHost', 'backUrl']) t.ok(url.searchParams.get(p), p)
})
