import { JOB_FUNCTIONS } from './redis-lua-outbox.js'
import { ACTIVITY_FUNCTIONS } from './redis-lua-activity.js'

/* The thread and message scripts of the Redis store (redis-conversations.ts). */

// shared by the thread scripts. Index members are tkeys (JSON [channelId, threadId]): `t:<tkey>` is the thread's hash
export const THREAD_FUNCTIONS = ACTIVITY_FUNCTIONS + `
local function createThread (P, channelId, customerId, threadId, createdAt, activityAt, custPair, tkey)
  local hkey = P .. 't:' .. tkey
  redis.call('HSET', hkey, 'threadId', threadId, 'channelId', channelId, 'customerId', customerId, 'status', 'open',
    'createdAt', createdAt, 'lastActivityAt', activityAt, 'lastSeq', 0, 'pair', custPair)
  redis.call('ZADD', P .. 'threads', createdAt, tkey)
  redis.call('ZADD', P .. 'threads-ch:' .. channelId, createdAt, tkey)
  redis.call('ZADD', P .. 'threads-open:' .. channelId, createdAt, tkey)
  redis.call('ZADD', P .. 'threads-cu:' .. custPair, createdAt, tkey)
  redis.call('ZADD', P .. 'open-cu:' .. custPair, activityAt, tkey)
  return redis.call('HGETALL', hkey)
end
`

export const CONVERSATIONS_LUA = {
  // KEYS: P; ARGV: channelId, customerId, candidateThreadId, now, custPair, tkey (JSON [channelId, candidateThreadId])
  openThread: THREAD_FUNCTIONS + `
local P, custPair = KEYS[1], ARGV[5]
local cur = redis.call('ZREVRANGE', P .. 'open-cu:' .. custPair, 0, 0)[1]
if cur then return { 0, redis.call('HGETALL', P .. 't:' .. cur) } end
if redis.call('EXISTS', P .. 't:' .. ARGV[6]) == 1 then
  return redis.error_reply('BYOC_STORE_THREAD_ID_TAKEN thread id already used on this channel: ' .. ARGV[3])
end
return { 1, createThread(P, ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[4], custPair, ARGV[6]) }`,

  // KEYS: P; ARGV: channelId, customerId, threadId, now, custPair, tkey. A new thread beside the others, made current.
  startThread: THREAD_FUNCTIONS + `
local P, custPair, tkey = KEYS[1], ARGV[5], ARGV[6]
if redis.call('EXISTS', P .. 't:' .. tkey) == 1 then return { 0, redis.call('HGETALL', P .. 't:' .. tkey) } end
local now = tonumber(ARGV[4])
local at = now
local top = redis.call('ZREVRANGE', P .. 'open-cu:' .. custPair, 0, 0, 'WITHSCORES')
if top[2] and tonumber(top[2]) >= now then at = tonumber(top[2]) + 1 end
return { 1, createThread(P, ARGV[1], ARGV[2], ARGV[3], now, at, custPair, tkey) }`,

  // KEYS: P; ARGV: tkey, reason
  closeThread: `
local P, tkey = KEYS[1], ARGV[1]
local hkey = P .. 't:' .. tkey
local f = redis.call('HMGET', hkey, 'status', 'pair', 'channelId')
if f[1] ~= 'open' then return 0 end
redis.call('HSET', hkey, 'status', 'closed', 'closedReason', ARGV[2])
redis.call('ZREM', P .. 'open-cu:' .. f[2], tkey)
redis.call('ZREM', P .. 'threads-open:' .. f[3], tkey)
return 1`,

  // KEYS: P; ARGV: tkey, at, hasContactId ('1' | '0'), contactId
  touchThread: ACTIVITY_FUNCTIONS + `
return touchThread(KEYS[1], ARGV[1], ARGV[2], ARGV[3] == '1' and ARGV[4] or '')`,

  // KEYS: P; ARGV: mkey (JSON [channelId, messageId]), tkey, createdAt, doc (JSON), status, messageId,
  //       hasJob, kind, orderKey, dedupeKey, payload, runAt, now
  insertMessage: JOB_FUNCTIONS + THREAD_FUNCTIONS + `
local P = KEYS[1]
local mkey, tkey = P .. 'm:' .. ARGV[1], ARGV[2]
if redis.call('EXISTS', mkey) == 0 and redis.call('EXISTS', P .. 't:' .. tkey) == 0 then
  return redis.error_reply('BYOC_STORE_NO_THREAD thread does not exist: ' .. tkey)
end
-- the job is (re-)offered on a repeat too: its dedupeKey keeps it single
if ARGV[7] == '1' then enqueue(P, ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13]) end
if redis.call('EXISTS', mkey) == 1 then return { 0, redis.call('HGETALL', mkey) } end
local seq = redis.call('HINCRBY', P .. 't:' .. tkey, 'lastSeq', 1)
bumpActivity(P, tkey, ARGV[3])
redis.call('HSET', mkey, 'doc', ARGV[4], 'seq', seq, 'status', ARGV[5])
redis.call('ZADD', P .. 'tm:' .. tkey, seq, ARGV[6])
return { 1, redis.call('HGETALL', mkey) }`,

  // KEYS: P; ARGV: mkey, expected status, next status (compare-and-set; the rule itself lives in message-status.ts)
  casMessageStatus: `
local mkey = KEYS[1] .. 'm:' .. ARGV[1]
if redis.call('HGET', mkey, 'status') ~= ARGV[2] then return 0 end
redis.call('HSET', mkey, 'status', ARGV[3])
return 1`
} as const
