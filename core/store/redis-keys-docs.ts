import { pairKey } from './redis-codec.js'
import type { RedisKeyspace } from './redis-keyspace.js'
import type { DocumentsPort } from './ports/documents.js'
import type { SigningKey, SigningKeysPort } from './ports/keys.js'
import type { LeasesPort } from './ports/leases.js'

/** Signing keys on Redis: one hash field per kid, set only if absent (HSETNX), so the first add wins. */
export function redisSigningKeys (ks: RedisKeyspace): SigningKeysPort {
  const { redis } = ks
  return {
    async listSigningKeys (): Promise<SigningKey[]> {
      const keys = (await redis.hvals(ks.k('signing-keys'))).map(v => JSON.parse(v) as SigningKey)
      return keys.sort((a, b) => a.createdAt - b.createdAt || (a.kid < b.kid ? -1 : 1))
    },

    async addSigningKey (key: SigningKey): Promise<void> {
      await redis.hsetnx(ks.k('signing-keys'), key.kid, JSON.stringify({ kid: key.kid, secret: key.secret, createdAt: key.createdAt }))
    }
  }
}

/** Documents (one hash per collection) and remembered values (strings Redis expires with their TTL). */
export function redisDocuments (ks: RedisKeyspace): DocumentsPort {
  const { redis } = ks
  return {
    async putDoc (collection: string, id: string, doc: unknown): Promise<void> {
      await redis.hset(ks.k(`doc:${collection}`), id, JSON.stringify(doc ?? null))
    },

    async getDoc<T> (collection: string, id: string): Promise<T | undefined> {
      const v = await redis.hget(ks.k(`doc:${collection}`), id)
      return v != null ? JSON.parse(v) as T : undefined
    },

    async deleteDoc (collection: string, id: string): Promise<boolean> {
      return await redis.hdel(ks.k(`doc:${collection}`), id) === 1
    },

    async listDocs<T> (collection: string): Promise<T[]> {
      return (await redis.hvals(ks.k(`doc:${collection}`))).map(v => JSON.parse(v) as T)
    },

    async remember (scope: string, key: string, value: unknown, ttlMs: number): Promise<{ value: unknown, created: boolean }> {
      const ttl = Math.max(1, Math.ceil(ttlMs))
      const [stored, created] = await ks.lua('remember', pairKey(scope, key), JSON.stringify(value ?? null), ttl) as [string, number]
      return { value: JSON.parse(stored), created: created === 1 }
    },

    async recall (scope: string, key: string): Promise<unknown> {
      // the key remember's Lua script writes (redis-lua-keys-docs.ts); Redis expires it with the TTL
      const stored = await redis.get(ks.k(`idem:${pairKey(scope, key)}`))
      return stored === null ? undefined : JSON.parse(stored)
    }
  }
}

/** Named leases on Redis: the owner and expiry are hash fields checked in one script, so one holder at a time. */
export function redisLeases (ks: RedisKeyspace): LeasesPort {
  return {
    async tryLease (name: string, owner: string, ttlMs: number, now = Date.now()): Promise<boolean> {
      return await ks.lua('tryLease', name, owner, ttlMs, now) === 1
    },

    async releaseLease (name: string, owner: string): Promise<void> {
      await ks.lua('releaseLease', name, owner)
    }
  }
}
