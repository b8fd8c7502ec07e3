import type { Test } from 'tap'
import Fastify from 'fastify'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { eventually, http, ROOT, startHub } from '../helper.js'
import { openConsole } from './browser.js'

/** The customer's platform: the recorder channel POSTs agent messages and signals here. */
async function startPlatform (t: Test) {
  const app = Fastify()
  const messages: any[] = []
  const signals: any[] = []
  app.post('/messages', async (req) => { messages.push(req.body); return {} })
  app.post('/signals', async (req) => { signals.push(req.body); return {} })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  return { url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, messages, signals }
}

t.test('agent console against the real hub: customer message, reply, end conversation, new outbound', async t => {
  const platform = await startPlatform(t)
  const hub = await startHub(t, { channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', name: 'Recorder', config: { deliverUrl: platform.url } }] })
  const say = (messageId: string, text: string) => http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'zebra-1', messageId, text, name: 'Zed' })
  t.equal((await say('m-1', 'hello from the savanna')).status, 202)

  const { page, log, logHas, pageErrors } = await openConsole(t, hub.sandboxUrl)

  await eventually(async () => (await page.getByRole('button', { name: /Zed/ }).count()) === 1, 15_000, 'the conversation in the console')
  await page.getByRole('button', { name: /Zed/ }).click()
  await logHas('hello from the savanna')

  await page.getByLabel('Reply').fill('Hello Zed, how can I help?')
  await page.getByRole('button', { name: 'Send reply' }).click()
  const delivered = await eventually(() => platform.messages.find(m => m.text === 'Hello Zed, how can I help?'), 15_000, 'the reply on the platform')
  t.ok(delivered.thread, 'delivered into the thread')
  await logHas('Hello Zed, how can I help?')
  t.notOk((await log.textContent())?.includes('Failed'), 'the reply was not refused')

  t.equal((await say('m-2', 'my order is late')).status, 202)
  await logHas('my order is late')
  // the README's picture of the agent console, taken mid-conversation against the real hub
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.getByLabel('Reply').fill('Let me check that for you.')
  // refreshed only on request (SCREENSHOTS=1), so test runs leave the tree clean
  if (process.env.SCREENSHOTS === '1') {
    const dir = join(ROOT, 'docs', 'images')
    mkdirSync(dir, { recursive: true })
    await page.screenshot({ path: join(dir, 'agent-console.png') })
  }

  await page.getByRole('button', { name: 'End conversation' }).click()
  await eventually(async () => page.getByLabel('Reply').isDisabled(), 15_000, 'reply box disabled')
  const closed = await eventually(async () => {
    const th = await hub.store.getThread('recorder', delivered.thread)
    return th?.status === 'closed' ? th : undefined
  }, 15_000, 'the hub to see the thread closed (thread-status poll)')
  t.equal(closed.status, 'closed')
  await eventually(() => platform.signals.find(s => s.type === 'thread-closed' && s.threadId === delivered.thread), 15_000, 'the platform told the conversation ended')

  await page.getByLabel('Customer').selectOption({ label: 'Zed (Recorder)' })
  await page.getByLabel('Message').fill('Your order shipped')
  await page.getByRole('button', { name: 'Send outbound' }).click()
  const fresh = await eventually(() => platform.messages.find(m => m.text === 'Your order shipped'), 15_000, 'the outbound on the platform')
  t.not(fresh.thread, delivered.thread, 'a new outbound opens a new thread')
  await logHas('Your order shipped')
  t.same(pageErrors, [])
})
