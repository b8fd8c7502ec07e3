import { randomUUID } from 'node:crypto'
import { Cluster, type Redis } from 'ioredis'
import { hashTagged, pairKey } from './redis-codec.js'
import type { RedisClient } from './redis-cluster.js'
import { HASH_TAG_LUA, moveToHashTag } from './redis-migrate-hash-tag.js'

/**
 * The key layout redis.ts describes. Layout 1 (no `schema` key) kept thread and message ids global; layout 2
 * keyed them by channel; layout 3 puts every key under the hash tag `{P}` (one slot per deployment on a cluster).
 */
export const REDIS_LAYOUT_VERSION = '3'

/*
 * Layout 1 -> 2, one thread at a time. Each step is a script that does nothing when already done, so a migration
 * cut off midway (a crash, a lost lease) is finished by whoever runs it next. A thread's messages move first; the
 * thread moves last, so a thread still under its old key always has its timeline under the old key too.
 */
export const MIGRATION_LUA = {
  // KEYS: P; ARGV: pairs of (old messageId, new mkey)
  migrateMessages: `
local P = KEYS[1]
local n = 0
for i = 1, #ARGV, 2 do
  local from, to = P .. 'm:' .. ARGV[i], P .. 'm:' .. ARGV[i + 1]
  if redis.call('EXISTS', from) == 1 and redis.call('EXISTS', to) == 0 then
    redis.call('RENAME', from, to)
    n = n + 1
  end
end
return n`,

  // KEYS: P; ARGV: old threadId, tkey
  migrateThread: `
local P, tid, tkey = KEYS[1], ARGV[1], ARGV[2]
local old = P .. 't:' .. tid
if redis.call('EXISTS', old) == 0 or redis.call('HEXISTS', old, 'threadId') == 1 then return 0 end
local f = redis.call('HMGET', old, 'channelId', 'pair', 'status', 'createdAt', 'lastActivityAt')
redis.call('RENAME', old, P .. 't:' .. tkey)
redis.call('HSET', P .. 't:' .. tkey, 'threadId', tid)
if redis.call('EXISTS', P .. 'tm:' .. tid) == 1 then redis.call('RENAME', P .. 'tm:' .. tid, P .. 'tm:' .. tkey) end
local indexes = { P .. 'threads', P .. 'threads-ch:' .. f[1], P .. 'threads-cu:' .. f[2] }
if f[3] == 'open' then indexes[#indexes + 1] = P .. 'threads-open:' .. f[1] end
for _, index in ipairs(indexes) do
  redis.call('ZREM', index, tid)
  redis.call('ZADD', index, f[4], tkey)
end
if f[3] == 'open' then
  redis.call('ZADD', P .. 'open-cu:' .. f[2], f[5], tkey)
  if redis.call('GET', P .. 'open:' .. f[2]) == tid then redis.call('DEL', P .. 'open:' .. f[2]) end
end
return 1`,

  ...HASH_TAG_LUA
} as const

export type MigrationLuaName = keyof typeof MIGRATION_LUA | keyof typeof HASH_TAG_LUA
/** Runs a store script with `key` as KEYS[1]: the prefix the script builds its key names from. */
type Script = (name: MigrationLuaName | 'tryLease' | 'releaseLease', key: string, ...args: Array<string | number>) => Promise<unknown>
type Lua = (name: MigrationLuaName, ...args: Array<string | number>) => Promise<unknown>

/** keys any layout-1 store in use holds (its signing keys are written at first boot) */
const LAYOUT_1_STANDING = ['threads', 'job-seq', 'cust-channels', 'signing-keys', 'timers']
const LEASE = 'store-layout-migration'
const LEASE_MS = 30_000
const BATCH = 200

/**
 * Brings the key layout to REDIS_LAYOUT_VERSION before the store serves anything. Several instances starting at
 * once: one holds the migration lease and works; the others wait until the version key says it is done (or take
 * the lease over if the worker died, and finish its work: every step is idempotent). The version key and the
 * lease live under the layout-3 names ({P}schema, {P}lease:…): the version says "2" there while a 2 -> 3 move is
 * under way (the old `P schema` key is moved with the rest).
 */
export async function migrateRedis (redis: RedisClient, P: string, script: Script): Promise<void> {
  const ns = hashTagged(P)
  const owner = `migrate-${randomUUID()}`
  const lease = (): Promise<unknown> => script('tryLease', ns, LEASE, owner, LEASE_MS, Date.now())
  for (;;) {
    const version = await redis.get(ns + 'schema')
    if (version === REDIS_LAYOUT_VERSION) return
    if (version !== null && Number(version) > Number(REDIS_LAYOUT_VERSION)) {
      throw new Error(`the Redis store has key layout ${version}; this byoc-hub knows up to ${REDIS_LAYOUT_VERSION} (downgrade refused)`)
    }
    if (await lease() === 1) {
      try {
        if (redis instanceof Cluster) await refuseOldLayoutOnCluster(redis, P)
        else await migrateSingleNode(redis, P, ns, version, script, lease)
        await redis.set(ns + 'schema', REDIS_LAYOUT_VERSION)
      } finally {
        await script('releaseLease', ns, LEASE, owner)
      }
      return
    }
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

/**
 * Layout 1 -> 2 unless the store says 2 already, then 2 -> 3. Layout 2 always wrote `P schema`; a store without it
 * and without any of layout 1's standing keys is new, and skips the SCAN of the whole Redis the move needs.
 */
async function migrateSingleNode (redis: Redis, P: string, ns: string, version: string | null, script: Script, renew: () => Promise<unknown>): Promise<void> {
  const old = version ?? await redis.get(P + 'schema')
  if (old === null && await redis.exists(...LAYOUT_1_STANDING.map(name => P + name)) === 0) return
  if (old === null) {
    await migrateThreads(redis, P, (name, ...args) => script(name, P, ...args), renew)
    await redis.set(P + 'schema', '2')
  }
  await moveToHashTag(redis, P, ns, (...pairs) => script('moveKeys', ns, ...pairs), renew)
}

/**
 * Layouts 1 and 2 never ran on a cluster (their scripts declared no keys), so old keys there were copied in by
 * hand: their slots are scattered and RENAME cannot gather them. Refuse rather than start beside them empty.
 */
async function refuseOldLayoutOnCluster (redis: Cluster, P: string): Promise<void> {
  if (await redis.get(P + 'schema') !== null || await redis.exists(P + 'threads') === 1) {
    throw new Error(`the Redis Cluster holds byoc-hub data in an old key layout under '${P}'; start this release once against a single Redis holding that data (it rewrites it to layout ${REDIS_LAYOUT_VERSION}), then move the keys to the cluster`)
  }
}

/** Every layout-1 thread (listed in `threads` under its bare id, its hash without `threadId`) and its messages. */
async function migrateThreads (redis: Redis, P: string, lua: Lua, renew: () => Promise<unknown>): Promise<void> {
  let cursor = '0'
  do {
    const [next, flat] = await redis.zscan(P + 'threads', cursor, 'COUNT', BATCH)
    cursor = next
    for (let i = 0; i < flat.length; i += 2) {
      const tid = flat[i]
      const [channelId, migrated] = await redis.hmget(P + 't:' + tid, 'channelId', 'threadId')
      if (channelId === null || migrated !== null) continue
      const messageIds = await redis.zrange(P + 'tm:' + tid, 0, -1)
      for (let j = 0; j < messageIds.length; j += BATCH) {
        const pairs = messageIds.slice(j, j + BATCH).flatMap(id => [id, pairKey(channelId, id)])
        await lua('migrateMessages', ...pairs)
      }
      await lua('migrateThread', tid, pairKey(channelId, tid))
    }
    await renew()
  } while (cursor !== '0')
}
