import type { Redis } from 'ioredis'
import { isCluster } from './redis-cluster.js'
import { pairKey, toCustomer, toThread, toTimer } from './redis-codec.js'
import type { RedisKeyspace } from './redis-keyspace.js'
import { ERASED_REASON, type PrivacyPort, type ScrubResult, type StoredRecord } from './ports/privacy.js'
import type { Customer, Thread } from './ports/conversations.js'
import type { Timer } from './ports/timers.js'

const BATCH = 200

/** A MATCH pattern that takes `literal` as it is (glob characters escaped) followed by anything. */
const startingWith = (literal: string): string => literal.replace(/[*?[\]\\]/g, c => '\\' + c) + '*'

/** Every key matching `pattern`, on one node or on every master of a cluster (the deployment's slot is on one). */
async function * scanKeys (ks: RedisKeyspace, pattern: string): AsyncIterable<string[]> {
  const nodes: Redis[] = isCluster(ks.redis) ? ks.redis.nodes('master') : [ks.redis]
  for (const node of nodes) {
    let cursor = '0'
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500)
      cursor = next
      if (keys.length > 0) yield keys
    } while (cursor !== '0')
  }
}

/**
 * Retention and erasure on Redis. Deletions are Lua scripts (redis-lua-privacy.ts), each atomic; what erasure
 * deletes is gone from the keyspace at once. (Redis' own persistence, an AOF or RDB file, keeps old values until it
 * is rewritten: docs/privacy.md says so.)
 */
export function redisPrivacy (ks: RedisKeyspace): PrivacyPort {
  const { redis } = ks

  return {
    async listClosedThreadsBefore (before: number, limit: number): Promise<Thread[]> {
      const out: Thread[] = []
      // a thread's last activity is never before its creation: only threads created before `before` can qualify
      for (let offset = 0; out.length < limit; offset += BATCH) {
        const tkeys = await redis.zrangebyscore(ks.k('threads'), '-inf', `(${before}`, 'LIMIT', offset, BATCH)
        const hashes = await ks.hashes(tkeys.map(tkey => ks.k(`t:${tkey}`)))
        for (const h of hashes) {
          if (h.status === 'closed' && Number(h.lastActivityAt) < before && out.length < limit) out.push(toThread(h))
        }
        if (tkeys.length < BATCH) break
      }
      return out
    },

    async listCustomersWithoutThreads (before: number, limit: number): Promise<Customer[]> {
      const out: Customer[] = []
      for (const channelId of await redis.smembers(ks.k('cust-channels'))) {
        const created = await redis.hgetall(ks.k(`cust-at:${channelId}`))
        const old = Object.entries(created).filter(([, at]) => Number(at) < before)
        if (old.length === 0) continue
        const pipe = redis.pipeline()
        for (const [customerId] of old) {
          pipe.zcard(ks.k(`threads-cu:${pairKey(channelId, customerId)}`))
          pipe.hget(ks.k(`cust:${channelId}`), customerId)
        }
        const res = (await pipe.exec()) ?? []
        for (const [i, [customerId, at]] of old.entries()) {
          const threads = Number(res[2 * i]?.[1])
          const doc = res[2 * i + 1]?.[1] as string | null
          if (threads === 0 && doc != null && out.length < limit) out.push(toCustomer(channelId, customerId, doc, at))
        }
        if (out.length >= limit) break
      }
      return out
    },

    async deleteThread (channelId: string, threadId: string): Promise<number> {
      const tkey = pairKey(channelId, threadId)
      // the script checks the timeline did not grow between this read and the delete (a message arriving meanwhile)
      for (;;) {
        const ids = await redis.zrange(ks.k(`tm:${tkey}`), 0, -1)
        const n = await ks.lua('deleteThread', tkey, channelId, ids.length, ...ids.map(id => pairKey(channelId, id))) as number
        if (n !== -2) return Math.max(0, n)
      }
    },

    async deleteCustomer (channelId: string, customerId: string): Promise<boolean> {
      return await ks.lua('deleteCustomer', channelId, customerId) === 1
    },

    async listTimers (): Promise<Timer[]> {
      return Object.entries(await redis.hgetall(ks.k('timers'))).map(([key, doc]) => toTimer(key, doc))
    },

    async deleteJob (jobId): Promise<boolean> {
      return await ks.lua('deleteJob', String(jobId)) === 1
    },

    async eraseJob (jobId): Promise<boolean> {
      return await ks.lua('eraseJob', String(jobId), ERASED_REASON) === 1
    },

    async * records (batchSize = BATCH): AsyncIterable<StoredRecord[]> {
      const docPrefix = ks.k('doc:')
      for await (const keys of scanKeys(ks, startingWith(docPrefix))) {
        for (const key of keys) {
          const collection = key.slice(docPrefix.length)
          let cursor = '0'
          do {
            const [next, flat] = await redis.hscan(key, cursor, 'COUNT', batchSize)
            cursor = next
            const batch: StoredRecord[] = []
            for (let i = 0; i + 1 < flat.length; i += 2) batch.push({ kind: 'doc', collection, id: flat[i], value: JSON.parse(flat[i + 1]) })
            if (batch.length > 0) yield batch
          } while (cursor !== '0')
        }
      }
      const idemPrefix = ks.k('idem:')
      for await (const keys of scanKeys(ks, startingWith(idemPrefix))) {
        const values = await redis.mget(...keys)
        const batch: StoredRecord[] = []
        for (const [i, key] of keys.entries()) {
          if (values[i] == null) continue // expired meanwhile
          const [scope, id] = JSON.parse(key.slice(idemPrefix.length)) as [string, string]
          batch.push({ kind: 'remembered', collection: scope, id, value: JSON.parse(values[i]!) })
        }
        if (batch.length > 0) yield batch
      }
    },

    async deleteRecord (r): Promise<boolean> {
      if (r.kind === 'doc') return await redis.hdel(ks.k(`doc:${r.collection}`), r.id) === 1
      return await redis.del(ks.k(`idem:${pairKey(r.collection, r.id)}`)) === 1
    },

    async scrub (): Promise<ScrubResult> {
      // deleted keys are gone from memory at once; nothing of them is left to overwrite
      return { walCheckpointed: true }
    }
  }
}
