/**
 * Lua scripts of the Redis store. Each multi-step operation runs as one script, so it is atomic across every
 * hub instance sharing the Redis. Scripts get the key prefix `{keyPrefix}` as KEYS[1], their one declared
 * key, and build every other key name from it (the layout is documented in redis.ts): on Redis Cluster the hash
 * tag routes the call to the deployment's slot, where all those keys live. Lua numbers are doubles: timestamps
 * in ms and job ids stay exact far below 2^53.
 */

// shared by the outbox scripts: a job is claimable at max(runAt, leaseUntil); only each orderKey's head is in `heads`
const JOB_FUNCTIONS = `
local function avail (P, id)
  local f = redis.call('HMGET', P .. 'j:' .. id, 'runAt', 'leaseUntil')
  local a = tonumber(f[1])
  if f[2] then
    local l = tonumber(f[2])
    if l > a then a = l end
  end
  return a
end
local function refreshHead (P, orderKey)
  local first = redis.call('ZRANGE', P .. 'q:' .. orderKey, 0, 0)
  if #first == 0 then
    redis.call('ZREM', P .. 'heads', orderKey)
  else
    redis.call('ZADD', P .. 'heads', avail(P, first[1]), orderKey)
  end
end
local function enqueue (P, kind, orderKey, dedupeKey, payload, runAt, now)
  if dedupeKey ~= '' and redis.call('HEXISTS', P .. 'dedupe', dedupeKey) == 1 then return false end
  local id = redis.call('INCR', P .. 'job-seq')
  local jkey = P .. 'j:' .. id
  redis.call('HSET', jkey, 'kind', kind, 'orderKey', orderKey, 'payload', payload, 'attempts', 0,
    'state', 'pending', 'runAt', runAt, 'createdAt', now)
  if dedupeKey ~= '' then
    redis.call('HSET', jkey, 'dedupeKey', dedupeKey)
    redis.call('HSET', P .. 'dedupe', dedupeKey, id)
  end
  redis.call('ZADD', P .. 'jobs', id, id)
  redis.call('ZADD', P .. 'jobs:pending', id, id)
  redis.call('ZADD', P .. 'pending-age', now, id)
  redis.call('ZADD', P .. 'q:' .. orderKey, id, id)
  refreshHead(P, orderKey)
  return id
end
-- leaves the pending set: stops blocking its orderKey
local function finish (P, id, state)
  local orderKey = redis.call('HGET', P .. 'j:' .. id, 'orderKey')
  redis.call('ZREM', P .. 'q:' .. orderKey, id)
  redis.call('ZREM', P .. 'jobs:pending', id)
  redis.call('ZREM', P .. 'pending-age', id)
  redis.call('ZADD', P .. 'jobs:' .. state, id, id)
  refreshHead(P, orderKey)
end
local function ownedBy (P, id, owner)
  return redis.call('HGET', P .. 'j:' .. id, 'leaseOwner') == owner
end
-- retry and bury: only the lease owner may; counts the attempt, notes the error, drops the lease
local function failAttempt (P, id, owner, err)
  if not ownedBy(P, id, owner) then return false end
  local jkey = P .. 'j:' .. id
  redis.call('HINCRBY', jkey, 'attempts', 1)
  redis.call('HSET', jkey, 'lastError', err)
  redis.call('HDEL', jkey, 'leaseOwner', 'leaseUntil')
  return true
end
`

// shared by the thread scripts. Index members are tkeys (JSON [channelId, threadId]): `t:<tkey>` is the thread's hash
const THREAD_FUNCTIONS = `
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
-- lastActivityAt moves forward only; an open thread's score in its customer's open-cu set follows it (the current
-- thread is the one with the highest)
local function bumpActivity (P, tkey, at)
  local hkey = P .. 't:' .. tkey
  local f = redis.call('HMGET', hkey, 'lastActivityAt', 'status', 'pair')
  if tonumber(at) <= tonumber(f[1]) then return end
  redis.call('HSET', hkey, 'lastActivityAt', at)
  if f[2] == 'open' then redis.call('ZADD', P .. 'open-cu:' .. f[3], at, tkey) end
end
`

export const LUA = {
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
  touchThread: THREAD_FUNCTIONS + `
local P, tkey = KEYS[1], ARGV[1]
if not redis.call('HGET', P .. 't:' .. tkey, 'lastActivityAt') then return 0 end
bumpActivity(P, tkey, ARGV[2])
if ARGV[3] == '1' then redis.call('HSET', P .. 't:' .. tkey, 'contactId', ARGV[4]) end
return 1`,

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
return 1`,

  // KEYS: P; ARGV: kind, orderKey, dedupeKey ('' = none), payload, runAt, now
  enqueue: JOB_FUNCTIONS + `
local id = enqueue(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
if not id then return false end
return { id, redis.call('HGETALL', KEYS[1] .. 'j:' .. id) }`,

  // KEYS: P; ARGV: owner, limit, leaseMs, now
  claimJobs: `
local P = KEYS[1]
local leaseUntil = tonumber(ARGV[4]) + tonumber(ARGV[3])
local keys = redis.call('ZRANGEBYSCORE', P .. 'heads', '-inf', ARGV[4], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, orderKey in ipairs(keys) do
  local id = redis.call('ZRANGE', P .. 'q:' .. orderKey, 0, 0)[1]
  redis.call('HSET', P .. 'j:' .. id, 'leaseOwner', ARGV[1], 'leaseUntil', leaseUntil)
  redis.call('ZADD', P .. 'heads', leaseUntil, orderKey)
  out[#out + 1] = { id, redis.call('HGETALL', P .. 'j:' .. id) }
end
return out`,

  // KEYS: P; ARGV: jobId, owner
  completeJob: JOB_FUNCTIONS + `
local P, id = KEYS[1], ARGV[1]
if not ownedBy(P, id, ARGV[2]) then return 0 end
redis.call('HSET', P .. 'j:' .. id, 'state', 'done', 'payload', '{}')
redis.call('HDEL', P .. 'j:' .. id, 'leaseOwner', 'leaseUntil')
finish(P, id, 'done')
return 1`,

  // KEYS: P; ARGV: jobId, owner, runAt, error, counted (1, or 0 to defer without counting an attempt)
  retryJob: JOB_FUNCTIONS + `
local P, id = KEYS[1], ARGV[1]
if not failAttempt(P, id, ARGV[2], ARGV[4]) then return 0 end
if ARGV[5] == '0' then redis.call('HINCRBY', P .. 'j:' .. id, 'attempts', -1) end
redis.call('HSET', P .. 'j:' .. id, 'runAt', ARGV[3])
refreshHead(P, redis.call('HGET', P .. 'j:' .. id, 'orderKey'))
return 1`,

  // KEYS: P; ARGV: jobId, owner, error
  buryJob: JOB_FUNCTIONS + `
local P, id = KEYS[1], ARGV[1]
if not failAttempt(P, id, ARGV[2], ARGV[3]) then return 0 end
redis.call('HSET', P .. 'j:' .. id, 'state', 'dead')
finish(P, id, 'dead')
return 1`,

  // KEYS: P; ARGV: jobId, now
  replayJob: JOB_FUNCTIONS + `
local P, id = KEYS[1], ARGV[1]
local jkey = P .. 'j:' .. id
local f = redis.call('HMGET', jkey, 'state', 'orderKey', 'createdAt')
if f[1] ~= 'dead' then return 0 end
redis.call('HSET', jkey, 'state', 'pending', 'attempts', 0, 'runAt', ARGV[2])
redis.call('HDEL', jkey, 'lastError')
redis.call('ZREM', P .. 'jobs:dead', id)
redis.call('ZADD', P .. 'jobs:pending', id, id)
redis.call('ZADD', P .. 'pending-age', f[3], id)
redis.call('ZADD', P .. 'q:' .. f[2], id, id)
refreshHead(P, f[2])
return 1`,

  // KEYS: P; ARGV: key (JSON [scope, key]), value (JSON), ttlMs
  remember: `
local k = KEYS[1] .. 'idem:' .. ARGV[1]
local v = redis.call('GET', k)
if v then return { v, 0 } end
redis.call('SET', k, ARGV[2], 'PX', ARGV[3])
return { ARGV[2], 1 }`,

  // KEYS: P; ARGV: now, limit
  takeDueTimers: `
local P = KEYS[1]
local keys = redis.call('ZRANGEBYSCORE', P .. 'timers-due', '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, key in ipairs(keys) do
  out[#out + 1] = { key, redis.call('HGET', P .. 'timers', key) }
  redis.call('HDEL', P .. 'timers', key)
  redis.call('ZREM', P .. 'timers-due', key)
end
return out`,

  // KEYS: P; ARGV: now, limit. Due timers become 'timer.fire' jobs in the same script (see Store.moveDueTimersToJobs).
  // The timer document is spliced in as raw JSON: cjson would re-encode large integers (dueAt) with lost precision.
  moveDueTimersToJobs: JOB_FUNCTIONS + `
local P = KEYS[1]
local due = redis.call('ZRANGEBYSCORE', P .. 'timers-due', '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local n = 0
for i = 1, #due, 2 do
  local key = due[i]
  local doc = redis.call('HGET', P .. 'timers', key)
  if doc then
    local payload = '{"key":' .. cjson.encode(key) .. ',"timer":' .. doc .. '}'
    enqueue(P, 'timer.fire', 'timer:' .. key, 'timer:' .. key .. ':' .. due[i + 1], payload, ARGV[1], ARGV[1])
    n = n + 1
  end
  redis.call('HDEL', P .. 'timers', key)
  redis.call('ZREM', P .. 'timers-due', key)
end
return n`,

  // KEYS: P; ARGV: key
  cancelTimer: `
redis.call('ZREM', KEYS[1] .. 'timers-due', ARGV[1])
return redis.call('HDEL', KEYS[1] .. 'timers', ARGV[1])`,

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

export type LuaName = keyof typeof LUA
