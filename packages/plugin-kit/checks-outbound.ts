import assert from 'node:assert/strict'
import type { ChannelPlugin } from '@byoc-hub/plugin-api'
import { deliveriesFor, messages, waitForMessage, type DeliveryList } from './deliveries.js'
import { requireThread, type ContractSession } from './session.js'
import { eventually } from './poll.js'
import type { ContractCheck } from './types.js'

const words = (n: number, tag: string): string => Array.from({ length: n }, (_, i) => `${tag}${String(i).padStart(5, '0')}`).join(' ')
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim()

/** Agent -> platform: delivered, retried, degraded where the platform lacks a capability, closed. */
export function outboundChecks (s: ContractSession, plugin: ChannelPlugin): ContractCheck[] {
  const caps = plugin.capabilities
  const max = caps.maxTextLength
  let list: DeliveryList = () => []

  return [{
    name: 'agent replies are delivered',
    async run () {
      list = await deliveriesFor(s.env, s.driver, s.customerId)
      const text = `contract reply ${Date.now()}`
      await s.agent.reply(requireThread(s), text)
      const got = await waitForMessage(list, text, s.timeoutMs)
      assert.equal(got.text, text, 'the platform got the agent\'s text')
    }
  }, {
    name: 'a failing platform is retried until it takes the message',
    ...(s.driver.observe ? { skip: 'push channel: delivery goes to connected clients, not to a platform that can fail' } : {}),
    async run () {
      s.env.platform.failNext(2, 503)
      const before = s.env.platform.requests.length
      const text = `contract retried ${Date.now()}`
      await s.agent.reply(requireThread(s), text)
      await waitForMessage(list, text, s.timeoutMs)
      const failed = s.env.platform.requests.slice(before).filter(r => r.status === 503)
      assert.equal(failed.length, 2, 'two answers of 503 came first')
      assert.equal(messages(list).filter(m => m.text === text).length, 1, 'and the message was taken once')
    }
  }, {
    name: `attachments are ${caps.attachments ? 'delivered' : 'degraded to links'}`,
    async run () {
      // not on CXone's origin, so the hub hands it on as it is (CXone's own file links become hub copies)
      const url = `https://files.example/contract-files/menu-${Date.now()}.pdf`
      const text = `contract attachment ${Date.now()}`
      await s.agent.outbound(requireThread(s), text, [{ friendlyName: 'menu.pdf', url, mimeType: 'application/pdf' }])
      const got = await waitForMessage(list, text, s.timeoutMs)
      if (caps.attachments) assert.ok(got.attachmentUrls?.includes(url), 'the platform got the attachment')
      else assert.ok(got.text.includes(url), 'the platform got the attachment as a link in the text')
    }
  }, {
    name: max ? `text over maxTextLength (${max}) is split` : 'long text arrives whole',
    async run () {
      const tag = `L${Date.now() % 100000}x`
      const text = max ? words(Math.ceil((max * 2 + 17) / (tag.length + 6)), tag) : words(500, tag)
      await s.agent.outbound(requireThread(s), text)
      const last = text.slice(-(tag.length + 5))
      await eventually(() => messages(list).some(m => m.text.includes(last)), s.timeoutMs, 'the end of the long text at the platform')
      const parts = messages(list).filter(m => m.text.includes(tag))
      if (max) {
        assert.ok(parts.length >= 2, `split into ${parts.length} parts`)
        assert.ok(parts.every(p => p.text.length <= max), 'no part longer than maxTextLength')
      } else {
        assert.equal(parts.length, 1, 'one message')
      }
      assert.equal(squash(parts.map(p => p.text).join(' ')), squash(text), 'nothing lost, in order')
    }
  }, {
    name: `agent typing is ${caps.typingIndicators ? 'shown' : 'dropped'}`,
    async run () {
      const thread = requireThread(s)
      await s.agent.typing(thread, true)
      if (caps.typingIndicators) {
        await eventually(() => list().some(d => d.kind === 'typing' && d.on), s.timeoutMs, 'typing at the platform')
        return
      }
      const text = `contract after-typing ${Date.now()}`
      await s.agent.reply(thread, text)
      await waitForMessage(list, text, s.timeoutMs)
      assert.ok(!list().some(d => d.kind === 'typing'), 'no typing reached a platform that cannot show it')
    }
  }, {
    name: 'an agent close reaches the platform',
    async run () {
      await s.agent.end(requireThread(s))
      await eventually(() => list().some(d => d.kind === 'closed'), s.timeoutMs, 'the close at the platform')
    }
  }]
}
