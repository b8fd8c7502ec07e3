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

export const OUTBOX_LUA = {
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
return 1`
} as const
