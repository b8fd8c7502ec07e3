import { nextStatus } from './message-status.js'
import { fields, messageDoc, pairKey, toCustomer, toMessage, toThread } from './redis-codec.js'
import type { RedisKeyspace } from './redis-keyspace.js'
import { jobArgs } from './redis-outbox.js'
import type {
  ConversationsPort, Customer, InsertMessageResult, MessageStatus, NewMessage, StoredMessage, Thread, ThreadFilter
} from './ports/conversations.js'
import type { NewJob } from './ports/outbox.js'

/**
 * Customers, threads and messages on Redis. Multi-step changes are Lua scripts (redis-lua-conversations.ts);
 * insertMessage's script enqueues the message's job too, so both land in one atomic step.
 */
export function redisConversations (ks: RedisKeyspace): Omit<ConversationsPort, 'storeInbound'> {
  const { redis } = ks

  const threadAt = async (tkey: string): Promise<Thread | undefined> => {
    const f = await redis.hgetall(ks.k(`t:${tkey}`))
    return f.status !== undefined ? toThread(f) : undefined
  }

  return {
    async upsertCustomer (c: Omit<Customer, 'createdAt'>): Promise<Customer> {
      const doc = JSON.stringify({ name: c.name, avatar: c.avatar, locale: c.locale })
      const res = await redis.multi()
        .hsetnx(ks.k(`cust-at:${c.channelId}`), c.customerId, Date.now())
        .hset(ks.k(`cust:${c.channelId}`), c.customerId, doc)
        // read by no one since listCustomers went; still written, so the key layout stays as documented (redis.ts)
        .sadd(ks.k('cust-channels'), c.channelId)
        .hget(ks.k(`cust-at:${c.channelId}`), c.customerId)
        .exec()
      return toCustomer(c.channelId, c.customerId, doc, String(res![3][1]))
    },

    async getCustomer (channelId: string, customerId: string): Promise<Customer | undefined> {
      const [doc, at] = await Promise.all([
        redis.hget(ks.k(`cust:${channelId}`), customerId), redis.hget(ks.k(`cust-at:${channelId}`), customerId)
      ])
      return doc != null && at != null ? toCustomer(channelId, customerId, doc, at) : undefined
    },

    async openThread (channelId: string, customerId: string, candidateThreadId: string, now = Date.now()): Promise<{ thread: Thread, created: boolean }> {
      const [created, flat] = await ks.lua('openThread', channelId, customerId, candidateThreadId, now, pairKey(channelId, customerId), pairKey(channelId, candidateThreadId)) as [number, unknown]
      return { thread: toThread(fields(flat)), created: created === 1 }
    },

    async startThread (channelId: string, customerId: string, threadId: string, now = Date.now()): Promise<{ thread: Thread, created: boolean }> {
      const [created, flat] = await ks.lua('startThread', channelId, customerId, threadId, now, pairKey(channelId, customerId), pairKey(channelId, threadId)) as [number, unknown]
      return { thread: toThread(fields(flat)), created: created === 1 }
    },

    async getThread (channelId: string, threadId: string): Promise<Thread | undefined> {
      return threadAt(pairKey(channelId, threadId))
    },

    async findCurrentThread (channelId: string, customerId: string): Promise<Thread | undefined> {
      const [tkey] = await redis.zrevrange(ks.k(`open-cu:${pairKey(channelId, customerId)}`), 0, 0)
      return tkey !== undefined ? threadAt(tkey) : undefined
    },

    async countOpenThreads (channelId: string): Promise<number> {
      return redis.zcard(ks.k(`threads-open:${channelId}`))
    },

    async listThreads (f: ThreadFilter): Promise<Thread[]> {
      // the narrowest index, then the remaining filters on the loaded threads
      const index = f.channelId !== undefined && f.customerId !== undefined
        ? `threads-cu:${pairKey(f.channelId, f.customerId)}`
        : f.channelId !== undefined ? (f.status === 'open' ? `threads-open:${f.channelId}` : `threads-ch:${f.channelId}`) : 'threads'
      const keep = (t: Thread): boolean => (f.channelId === undefined || t.channelId === f.channelId) &&
        (f.customerId === undefined || t.customerId === f.customerId) && (f.status === undefined || t.status === f.status)
      return ks.scanIndex(ks.k(index), f.limit ?? 10_000, tkey => ks.k(`t:${tkey}`), (_tkey, h) => {
        const t = h.status !== undefined ? toThread(h) : undefined
        return t && keep(t) ? t : undefined
      })
    },

    async closeThread (channelId: string, threadId: string, reason: string): Promise<boolean> {
      return await ks.lua('closeThread', pairKey(channelId, threadId), reason) === 1
    },

    async touchThread (channelId: string, threadId: string, at: number, contactId?: string): Promise<void> {
      await ks.lua('touchThread', pairKey(channelId, threadId), at, contactId !== undefined ? '1' : '0', contactId ?? '')
    },

    async insertMessage (m: NewMessage, job?: NewJob): Promise<InsertMessageResult> {
      const now = Date.now()
      const withJob = job ? ['1', ...jobArgs(job, now)] : ['0']
      // acked to the platform (inbound) or to CXone (outbound) once this returns: the one write that must survive a failover
      const [created, flat] = await ks.ackedLua('insertMessage', pairKey(m.channelId, m.messageId), pairKey(m.channelId, m.threadId), m.createdAt,
        messageDoc(m), m.status ?? 'accepted', m.messageId, ...withJob) as [number, unknown]
      return { message: toMessage(fields(flat)), created: created === 1 }
    },

    async getMessage (channelId: string, messageId: string): Promise<StoredMessage | undefined> {
      const f = await redis.hgetall(ks.k(`m:${pairKey(channelId, messageId)}`))
      return f.doc !== undefined ? toMessage(f) : undefined
    },

    async listMessages (channelId: string, threadId: string, afterSeq = 0, limit = 1000): Promise<StoredMessage[]> {
      const ids = await redis.zrangebyscore(ks.k(`tm:${pairKey(channelId, threadId)}`), `(${afterSeq}`, '+inf', 'LIMIT', 0, limit)
      return (await ks.hashes(ids.map(id => ks.k(`m:${pairKey(channelId, id)}`)))).map(toMessage)
    },

    async setMessageStatus (channelId: string, messageId: string, status: MessageStatus): Promise<boolean> {
      const mkey = pairKey(channelId, messageId)
      // compare-and-set, retried on a lost race: statuses only move forward, so this ends within a few rounds
      for (;;) {
        const current = await redis.hget(ks.k(`m:${mkey}`), 'status') as MessageStatus | null
        if (current == null) return false
        const next = nextStatus(current, status)
        if (next === current) return false
        if (await ks.lua('casMessageStatus', mkey, current, next) === 1) return true
      }
    }
  }
}
