import type { ReplicaAck } from './redis-replica-ack.js'
import { LUA, type LuaName } from './redis-lua.js'
import { MIGRATION_LUA, type MigrationLuaName } from './redis-migrate.js'
import type { RedisClient } from './redis-cluster.js'
import type { Fields } from './redis-codec.js'

type ScriptFn = (...args: Array<string | number>) => Promise<unknown>
const LIST_BATCH = 200

/** A connection and the replica acks of the writes made on it (WAIT counts for its own connection only). */
export interface AckedConnection { readonly redis: RedisClient, readonly ack: ReplicaAck }

/**
 * What every Redis port works through: the connections, the deployment's keyspace `{keyPrefix}` (key layout in
 * redis.ts), the store's Lua scripts and the replica acks of acked writes.
 *
 * Two connections: `redis` (auto-pipelined: the background's many calls of one turn leave in one write) and
 * `acked`, for the writes a platform or CXone waits on, sent at once (`ackedLua`).
 */
export class RedisKeyspace {
  constructor (readonly redis: RedisClient, readonly ack: ReplicaAck, private readonly acked: AckedConnection, readonly keyspace: string) {
    // one declared key per script, the keyspace itself: it routes the call to the deployment's slot on a cluster,
    // and every key the script builds from it shares that slot
    for (const client of [redis, acked.redis]) {
      for (const [name, lua] of Object.entries({ ...LUA, ...MIGRATION_LUA })) client.defineCommand(`byoc_${name}`, { numberOfKeys: 1, lua })
    }
  }

  /** A write the caller answers a platform or CXone for: on the acked connection, confirmed by the replicas. */
  ackedLua (name: LuaName, ...args: Array<string | number>): Promise<unknown> {
    return this.acked.ack.confirmed(() => scriptOn(this.acked.redis, name, this.keyspace, ...args))
  }

  /** The full name of one of the store's keys. */
  k (name: string): string {
    return this.keyspace + name
  }

  lua (name: LuaName, ...args: Array<string | number>): Promise<unknown> {
    return this.script(name, this.keyspace, ...args)
  }

  /** A store script with `key` as KEYS[1], the prefix it builds key names from (the old layouts' for migrations). */
  script (name: LuaName | MigrationLuaName, key: string, ...args: Array<string | number>): Promise<unknown> {
    return scriptOn(this.redis, name, key, ...args)
  }

  /** HGETALL for many keys in one round trip; missing keys come back empty. */
  async hashes (keys: string[]): Promise<Fields[]> {
    if (keys.length === 0) return []
    const pipe = this.redis.pipeline()
    for (const key of keys) pipe.hgetall(key)
    const res = await pipe.exec()
    return (res ?? []).map(([err, value]) => { if (err) throw err; return value as Fields })
  }

  /** Walks a ZSET index in order, loads each member's hash and keeps what `pick` returns, up to `limit`. */
  async scanIndex<T> (index: string, limit: number, keyOf: (id: string) => string, pick: (id: string, h: Fields) => T | undefined): Promise<T[]> {
    const out: T[] = []
    for (let offset = 0; out.length < limit; offset += LIST_BATCH) {
      const ids = await this.redis.zrange(index, offset, offset + LIST_BATCH - 1)
      const hashes = await this.hashes(ids.map(keyOf))
      for (const [i, id] of ids.entries()) {
        const item = pick(id, hashes[i])
        if (item !== undefined && out.length < limit) out.push(item)
      }
      if (ids.length < LIST_BATCH) break
    }
    return out
  }
}

function scriptOn (client: RedisClient, name: LuaName | MigrationLuaName, key: string, ...args: Array<string | number>): Promise<unknown> {
  return (client as unknown as Record<string, ScriptFn>)[`byoc_${name}`](key, ...args)
}
