import type { Test } from 'tap'
import type { ChannelPlugin } from '../types.js'
import { deliveriesFor, messages, waitForMessage, type DeliveryList } from './deliveries.js'
import { requireThread, type ContractSession } from './session.js'
import { eventually } from './poll.js'

const words = (n: number, tag: string): string => Array.from({ length: n }, (_, i) => `${tag}${String(i).padStart(5, '0')}`).join(' ')
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim()

/** Agent -> platform: delivered, retried, degraded where the platform lacks a capability, closed. */
export async function checkOutbound (t: Test, s: ContractSession, plugin: ChannelPlugin): Promise<void> {
  const caps = plugin.capabilities
  let list: DeliveryList = () => []

  await t.test('agent replies are delivered', async t => {
    list = await deliveriesFor(s.env, s.driver, s.customerId)
    const text = `contract reply ${Date.now()}`
    await s.agent.reply(requireThread(s), text)
    const got = await waitForMessage(list, text, s.timeoutMs)
    t.equal(got.text, text, 'the platform got the agent\'s text')
  })

  const push = s.driver.observe ? 'push channel: delivery goes to connected clients, not to a platform that can fail' : false
  await t.test('a failing platform is retried until it takes the message', { skip: push }, async t => {
    s.env.platform.failNext(2, 503)
    const before = s.env.platform.requests.length
    const text = `contract retried ${Date.now()}`
    await s.agent.reply(requireThread(s), text)
    await waitForMessage(list, text, s.timeoutMs)
    const failed = s.env.platform.requests.slice(before).filter(r => r.status === 503)
    t.equal(failed.length, 2, 'two answers of 503 came first')
    t.equal(messages(list).filter(m => m.text === text).length, 1, 'and the message was taken once')
  })

  await t.test(`attachments are ${caps.attachments ? 'delivered' : 'degraded to links'}`, async t => {
    // not on CXone's origin, so the hub hands it on as it is (CXone's own file links become hub copies: core/attachments)
    const url = `https://files.example/contract-files/menu-${Date.now()}.pdf`
    const text = `contract attachment ${Date.now()}`
    await s.agent.outbound(requireThread(s), text, [{ friendlyName: 'menu.pdf', url, mimeType: 'application/pdf' }])
    const got = await waitForMessage(list, text, s.timeoutMs)
    if (caps.attachments) t.ok(got.attachmentUrls?.includes(url), 'the platform got the attachment')
    else t.ok(got.text.includes(url), 'the platform got the attachment as a link in the text')
  })

  const max = caps.maxTextLength
  await t.test(max ? `text over maxTextLength (${max}) is split` : 'long text arrives whole', async t => {
    const tag = `L${Date.now() % 100000}x`
    const text = max ? words(Math.ceil((max * 2 + 17) / (tag.length + 6)), tag) : words(500, tag)
    await s.agent.outbound(requireThread(s), text)
    const last = text.slice(-(tag.length + 5))
    await eventually(() => messages(list).some(m => m.text.includes(last)), s.timeoutMs, 'the end of the long text at the platform')
    const parts = messages(list).filter(m => m.text.includes(tag))
    if (max) {
      t.ok(parts.length >= 2, `split into ${parts.length} parts`)
      t.ok(parts.every(p => p.text.length <= max), 'no part longer than maxTextLength')
    } else {
      t.equal(parts.length, 1, 'one message')
    }
    t.equal(squash(parts.map(p => p.text).join(' ')), squash(text), 'nothing lost, in order')
  })

  await t.test(`agent typing is ${caps.typingIndicators ? 'shown' : 'dropped'}`, async t => {
    const thread = requireThread(s)
    await s.agent.typing(thread, true)
    if (caps.typingIndicators) {
      await eventually(() => list().some(d => d.kind === 'typing' && d.on), s.timeoutMs, 'typing at the platform')
      t.pass('the platform saw the agent typing')
      return
    }
    const text = `contract after-typing ${Date.now()}`
    await s.agent.reply(thread, text)
    await waitForMessage(list, text, s.timeoutMs)
    t.notOk(list().some(d => d.kind === 'typing'), 'no typing reached a platform that cannot show it')
  })

  await t.test('an agent close reaches the platform', async t => {
    await s.agent.end(requireThread(s))
    await eventually(() => list().some(d => d.kind === 'closed'), s.timeoutMs, 'the close at the platform')
    t.pass('the platform heard the conversation ended')
  })
}
