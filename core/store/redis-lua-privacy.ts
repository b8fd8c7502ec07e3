import { JOB_FUNCTIONS } from './redis-lua-outbox.js'

/* The privacy scripts of the Redis store (redis-privacy.ts): each deletion is one atomic step. */

export const PRIVACY_LUA = {
  // KEYS: P; ARGV: tkey, channelId, expected timeline length, mkey... (the message keys the caller read from tm:<tkey>).
  // -1: no such thread; -2: the timeline changed since the caller read it (read again); else messages deleted.
  deleteThread: `
local P, tkey, ch = KEYS[1], ARGV[1], ARGV[2]
local hkey = P .. 't:' .. tkey
local pair = redis.call('HGET', hkey, 'pair')
if not pair then return -1 end
if redis.call('ZCARD', P .. 'tm:' .. tkey) ~= tonumber(ARGV[3]) then return -2 end
for i = 4, #ARGV do redis.call('DEL', P .. 'm:' .. ARGV[i]) end
redis.call('DEL', P .. 'tm:' .. tkey, hkey)
redis.call('ZREM', P .. 'threads', tkey)
redis.call('ZREM', P .. 'threads-ch:' .. ch, tkey)
redis.call('ZREM', P .. 'threads-open:' .. ch, tkey)
redis.call('ZREM', P .. 'threads-cu:' .. pair, tkey)
redis.call('ZREM', P .. 'open-cu:' .. pair, tkey)
return #ARGV - 3`,

  // KEYS: P; ARGV: channelId, customerId
  deleteCustomer: `
local P, ch, id = KEYS[1], ARGV[1], ARGV[2]
local n = redis.call('HDEL', P .. 'cust:' .. ch, id)
redis.call('HDEL', P .. 'cust-at:' .. ch, id)
if redis.call('HLEN', P .. 'cust:' .. ch) == 0 then redis.call('SREM', P .. 'cust-channels', ch) end
return n`,

  // KEYS: P; ARGV: jobId. A done or dead job goes with its dedupe entry; a pending one stays (0).
  deleteJob: `
local P, id = KEYS[1], ARGV[1]
local jkey = P .. 'j:' .. id
local f = redis.call('HMGET', jkey, 'state', 'dedupeKey')
if not f[1] or f[1] == 'pending' then return 0 end
if f[2] then redis.call('HDEL', P .. 'dedupe', f[2]) end
redis.call('DEL', jkey)
redis.call('ZREM', P .. 'jobs', id)
redis.call('ZREM', P .. 'jobs:' .. f[1], id)
return 1`,

  // KEYS: P; ARGV: jobId, reason. A pending job becomes a dead letter holding nothing of its conversation.
  eraseJob: JOB_FUNCTIONS + `
local P, id = KEYS[1], ARGV[1]
local jkey = P .. 'j:' .. id
local f = redis.call('HMGET', jkey, 'state', 'dedupeKey')
if f[1] ~= 'pending' then return 0 end
finish(P, id, 'dead')
if f[2] then
  redis.call('HDEL', P .. 'dedupe', f[2])
  redis.call('HDEL', jkey, 'dedupeKey')
end
redis.call('HSET', jkey, 'state', 'dead', 'payload', '{"erased":true}', 'orderKey', 'erased:' .. id, 'lastError', ARGV[2])
redis.call('HDEL', jkey, 'leaseOwner', 'leaseUntil')
return 1`
} as const
