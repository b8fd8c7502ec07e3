import { ACTIVITY_FUNCTIONS } from './redis-lua-activity.js'

/* The outbox scripts of the Redis store (redis-outbox.ts); the job functions are shared with insertMessage and the timers. */

// shared by the outbox scripts: a job is claimable at max(runAt, leaseUntil); only each orderKey's head is in `heads`
export const JOB_FUNCTIONS = `
local function avail (P, id)
  local f = redis.call('HMGET', P .. 'j:' .. id, 'runAt', 'leaseUntil')
  local a = tonumber(f[1])
  if f[2] then
    local l = tonumber(f[2])
    if l > a then a = l end
  end
  return a
end
-- the platform lane (ports/outbox.ts PLATFORM_LANE_PREFIX): its heads have a set of their own, which claims empty first
local function headsOf (P, orderKey)
  if string.sub(orderKey, 1, 9) == 'platform:' then return P .. 'heads:p' end
  return P .. 'heads'
end
local function refreshHead (P, orderKey)
  local heads = headsOf(P, orderKey)
  -- a key of the lane queued before the lane existed sits in 'heads': it moves over now
  if heads ~= P .. 'heads' then redis.call('ZREM', P .. 'heads', orderKey) end
  local first = redis.call('ZRANGE', P .. 'q:' .. orderKey, 0, 0)
  if #first == 0 then
    redis.call('ZREM', heads, orderKey)
  else
    redis.call('ZADD', heads, avail(P, first[1]), orderKey)
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

// the claim of claimJobs and settleAndClaim: up to `limit` heads due at `now`, the platform lane's first, leased to
// `owner`, each with the message its payload names (or an empty table: none named, or gone); cjson may spell a
// name differently from JSON.stringify (it escapes '/'), and then the handler reads the message itself
const CLAIM = `
local function claimedMessage (P, payload)
  local ok, p = pcall(cjson.decode, payload)
  if not ok or type(p) ~= 'table' or type(p.channelId) ~= 'string' or type(p.messageId) ~= 'string' then return {} end
  return redis.call('HGETALL', P .. 'm:' .. cjson.encode({ p.channelId, p.messageId }))
end
local function claimFrom (P, heads, owner, limit, leaseUntil, now, out)
  if limit <= 0 then return end
  local keys = redis.call('ZRANGEBYSCORE', heads, '-inf', now, 'LIMIT', 0, limit)
  for _, orderKey in ipairs(keys) do
    if headsOf(P, orderKey) ~= heads then
      -- a lane key in 'heads' (written by an instance from before the lane): moved to its set, claimed from there
      refreshHead(P, orderKey)
    else
      local id = redis.call('ZRANGE', P .. 'q:' .. orderKey, 0, 0)[1]
      local jkey = P .. 'j:' .. id
      redis.call('HSET', jkey, 'leaseOwner', owner, 'leaseUntil', leaseUntil)
      redis.call('ZADD', heads, leaseUntil, orderKey)
      out[#out + 1] = { id, redis.call('HGETALL', jkey), claimedMessage(P, redis.call('HGET', jkey, 'payload')) }
    end
  end
end
local function claim (P, owner, limit, leaseMs, now)
  local leaseUntil = tonumber(now) + tonumber(leaseMs)
  local out = {}
  claimFrom(P, P .. 'heads:p', owner, tonumber(limit), leaseUntil, now, out)
  claimFrom(P, P .. 'heads', owner, tonumber(limit) - #out, leaseUntil, now, out)
  return out
end
`

// completion, retry and burial of one job (the single scripts below share them with settleAndClaim)
const SETTLE = `
local function complete (P, id, owner)
  if not ownedBy(P, id, owner) then return 0 end
  redis.call('HSET', P .. 'j:' .. id, 'state', 'done', 'payload', '{}')
  redis.call('HDEL', P .. 'j:' .. id, 'leaseOwner', 'leaseUntil')
  finish(P, id, 'done')
  return 1
end
local function retry (P, id, owner, runAt, err, counted)
  if not failAttempt(P, id, owner, err) then return 0 end
  if counted == '0' then redis.call('HINCRBY', P .. 'j:' .. id, 'attempts', -1) end
  redis.call('HSET', P .. 'j:' .. id, 'runAt', runAt)
  refreshHead(P, redis.call('HGET', P .. 'j:' .. id, 'orderKey'))
  return 1
end
local function bury (P, id, owner, err)
  if not failAttempt(P, id, owner, err) then return 0 end
  redis.call('HSET', P .. 'j:' .. id, 'state', 'dead')
  finish(P, id, 'dead')
  return 1
end
-- message-status.ts nextStatus: statuses only move forward ('failed' ranks with 'sent')
local RANK = { accepted = 0, sent = 1, delivered = 2, seen = 3, failed = 1 }
local function nextStatus (cur, prop)
  if prop == 'failed' then
    if cur == 'seen' or cur == 'delivered' then return cur end
    return 'failed'
  end
  if cur == 'failed' then
    if prop == 'delivered' or prop == 'seen' then return prop end
    return cur
  end
  if RANK[prop] > RANK[cur] then return prop end
  return cur
end
local function setStatus (P, mkey, status)
  local cur = redis.call('HGET', P .. 'm:' .. mkey, 'status')
  if not cur then return end
  local nxt = nextStatus(cur, status)
  if nxt ~= cur then redis.call('HSET', P .. 'm:' .. mkey, 'status', nxt) end
end
`

export const OUTBOX_LUA = {
  // KEYS: P; ARGV: kind, orderKey, dedupeKey ('' = none), payload, runAt, now
  enqueue: JOB_FUNCTIONS + `
local id = enqueue(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
if not id then return false end
return { id, redis.call('HGETALL', KEYS[1] .. 'j:' .. id) }`,

  // KEYS: P; ARGV: owner, limit, leaseMs, now
  claimJobs: JOB_FUNCTIONS + CLAIM + `
return claim(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])`,

  // KEYS: P; ARGV: owner, limit, leaseMs, now, then per outcome 10 values: jobId, 'done' | 'retry' | 'dead', runAt,
  // error, counted (1 | 0), message key ('' = no status), the message status, thread key ('' = no touch), the
  // touch's time and contact id ('' = none)
  settleAndClaim: JOB_FUNCTIONS + ACTIVITY_FUNCTIONS + SETTLE + CLAIM + `
local P, owner = KEYS[1], ARGV[1]
-- claim first: a head its completion unblocks goes to whichever instance claims next, not always to this one
local claimed = {}
if tonumber(ARGV[2]) > 0 then claimed = claim(P, owner, ARGV[2], ARGV[3], ARGV[4]) end
for i = 5, #ARGV, 10 do
  local id, what = ARGV[i], ARGV[i + 1]
  if what == 'done' then
    if ARGV[i + 5] ~= '' then setStatus(P, ARGV[i + 5], ARGV[i + 6]) end
    if ARGV[i + 7] ~= '' then touchThread(P, ARGV[i + 7], ARGV[i + 8], ARGV[i + 9]) end
    complete(P, id, owner)
  elseif what == 'retry' then
    retry(P, id, owner, ARGV[i + 2], ARGV[i + 3], ARGV[i + 4])
  else
    bury(P, id, owner, ARGV[i + 3])
  end
end
return claimed`,

  // KEYS: P; ARGV: jobId, owner
  completeJob: JOB_FUNCTIONS + SETTLE + `
return complete(KEYS[1], ARGV[1], ARGV[2])`,

  // KEYS: P; ARGV: jobId, owner, runAt, error, counted (1, or 0 to defer without counting an attempt)
  retryJob: JOB_FUNCTIONS + SETTLE + `
return retry(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])`,

  // KEYS: P; ARGV: jobId, owner, error
  buryJob: JOB_FUNCTIONS + SETTLE + `
return bury(KEYS[1], ARGV[1], ARGV[2], ARGV[3])`,

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
return 1`
} as const
