/* The idempotency and lease scripts of the Redis store (redis-keys-docs.ts). */

export const KEYS_DOCS_LUA = {
  // KEYS: P; ARGV: key (JSON [scope, key]), value (JSON), ttlMs
  remember: `
local k = KEYS[1] .. 'idem:' .. ARGV[1]
local v = redis.call('GET', k)
if v then return { v, 0 } end
redis.call('SET', k, ARGV[2], 'PX', ARGV[3])
return { ARGV[2], 1 }`,

  // KEYS: P; ARGV: name, owner, ttlMs, now. The expiry is data (so an injected clock works); PEXPIRE only collects garbage.
  tryLease: `
local k = KEYS[1] .. 'lease:' .. ARGV[1]
local cur = redis.call('HMGET', k, 'owner', 'until')
if cur[1] and cur[1] ~= ARGV[2] and tonumber(cur[2]) > tonumber(ARGV[4]) then return 0 end
redis.call('HSET', k, 'owner', ARGV[2], 'until', tonumber(ARGV[4]) + tonumber(ARGV[3]))
redis.call('PEXPIRE', k, tonumber(ARGV[3]) + 60000)
return 1`,

  // KEYS: P; ARGV: name, owner
  releaseLease: `
local k = KEYS[1] .. 'lease:' .. ARGV[1]
if redis.call('HGET', k, 'owner') == ARGV[2] then redis.call('DEL', k) end
return 1`
} as const
