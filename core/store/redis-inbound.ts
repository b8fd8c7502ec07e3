import { fields, messageDoc, pairKey, timerDoc, toMessage, toThread } from './redis-codec.js'
import type { RedisKeyspace } from './redis-keyspace.js'
import { jobArgs } from './redis-outbox.js'
import type { InboundOutcome, InboundPort, InboundStep } from './ports/inbound.js'

type Reply = [kind: 'stored', created: number, message: unknown, thread: unknown, cleared: number]
  | [kind: 'refused', code: 'THREAD_CLOSED' | 'THREAD_UNKNOWN']
  | [kind: 'elsewhere', current?: unknown]
  | [kind: 'supersede', current: unknown]

/** The inbound step on Redis: one script, so one round trip per customer message (redis-lua-inbound.ts). */
export function redisInbound (ks: RedisKeyspace): InboundPort {
  return {
    async storeInbound (s: InboundStep): Promise<InboundOutcome> {
      const m = s.message
      const idle = s.idle
      const idleArgs = idle
        ? ['1', idle.countdownKey, ...jobArgs(idle.clearedSignal, s.now), idle.warning.key, timerDoc(idle.warning), idle.warning.dueAt, idle.runs, idle.presenceCollection]
        : ['0']
      const customer = s.customer ? ['1', JSON.stringify({ name: s.customer.name, avatar: s.customer.avatar })] : ['0', '']
      // acked to the platform once this returns: the one write that must survive a failover
      const reply = await ks.ackedLua('storeInbound', s.channelId, s.customerId, s.threadId, s.rule, s.blockAfterAgentClose ? '1' : '0', s.now,
        pairKey(s.channelId, s.customerId), pairKey(s.channelId, s.threadId), pairKey(m.channelId, m.messageId), ...customer,
        m.createdAt, messageDoc(m), m.status ?? 'accepted', m.messageId, ...jobArgs(s.job, s.now), ...idleArgs) as Reply
      switch (reply[0]) {
        case 'stored': return { outcome: 'stored', created: reply[1] === 1, message: toMessage(fields(reply[2])), thread: toThread(fields(reply[3])), countdownCleared: reply[4] === 1 }
        case 'refused': return { outcome: 'refused', code: reply[1] }
        case 'elsewhere': return { outcome: 'elsewhere', ...(reply[1] !== undefined && reply[1] !== null ? { current: toThread(fields(reply[1])) } : {}) }
        case 'supersede': return { outcome: 'supersede', current: toThread(fields(reply[1])) }
      }
    }
  }
}
