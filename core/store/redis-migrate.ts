import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { pairKey } from './redis-codec.js'

/** The key layout redis.ts describes. Layout 1 (no `schema` key) kept thread and message ids global. */
export const REDIS_LAYOUT_VERSION = '2'

/*
 * Layout 1 -> 2, one thread at a time. Each step is a script that does nothing when already done, so a migration
 * cut off midway (a crash, a lost lease) is finished by whoever runs it next. A thread's messages move first; the
 * thread moves last, so a thread still under its old key always has its timeline under the old key too.
 */
export const MIGRATION_LUA = {
  // ARGV: P, then pairs of (old messageId, new mkey)
  migrateMessages: `
local P = ARGV[1]
local n = 0
for i = 2, #ARGV, 2 do
  local from, to = P .. 'm:' .. ARGV[i], P .. 'm:' .. ARGV[i + 1]
  if redis.call('EXISTS', from) == 1 and redis.call('EXISTS', to) == 0 then
    redis.call('RENAME', from, to)
    n = n + 1
  end
end
return n`,

  // ARGV: P, old threadId, tkey
  migrateThread: `
local P, tid, tkey = ARGV[1], ARGV[2], ARGV[3]
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
return 1`
} as const

export type MigrationLuaName = keyof typeof MIGRATION_LUA
type Lua = (name: MigrationLuaName | 'tryLease' | 'releaseLease', ...args: Array<string | number>) => Promise<unknown>

const LEASE = 'store-layout-migration'
const LEASE_MS = 30_000
const BATCH = 200

/**
 * Brings the key layout to REDIS_LAYOUT_VERSION before the store serves anything. Several instances starting at
 * once: one holds the migration lease and works; the others wait until the version key says it is done (or take
 * the lease over if the worker died, and finish its work: every step is idempotent).
 */
export async function migrateRedis (redis: Redis, P: string, lua: Lua): Promise<void> {
  const owner = `migrate-${randomUUID()}`
  for (;;) {
    const version = await redis.get(P + 'schema')
    if (version === REDIS_LAYOUT_VERSION) return
    if (version !== null && Number(version) > Number(REDIS_LAYOUT_VERSION)) {
      throw new Error(`the Redis store has key layout ${version}; this byoc-hub knows up to ${REDIS_LAYOUT_VERSION} (downgrade refused)`)
    }
    if (await lua('tryLease', LEASE, owner, LEASE_MS, Date.now()) === 1) {
      try {
        await migrateThreads(redis, P, lua, () => lua('tryLease', LEASE, owner, LEASE_MS, Date.now()))
        await redis.set(P + 'schema', REDIS_LAYOUT_VERSION)
      } finally {
        await lua('releaseLease', LEASE, owner)
      }
      return
    }
    await new Promise(resolve => setTimeout(resolve, 200))
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
