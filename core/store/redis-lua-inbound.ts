import { JOB_FUNCTIONS } from './redis-lua-outbox.js'
import { THREAD_FUNCTIONS } from './redis-lua-conversations.js'

/* The inbound step's script (redis-inbound.ts, ports/inbound.ts): one customer message, one round trip. */

// KEYS: P; ARGV: 1 channelId, 2 customerId, 3 threadId, 4 rule, 5 blockAfterAgentClose ('1' | '0'), 6 now,
//   7 custPair, 8 tkey, 9 mkey, 10 hasCustomer, 11 customer doc, 12 createdAt, 13 message doc, 14 status, 15 messageId,
//   16-21 the message's job (jobArgs), 22 hasIdle, 23 countdown key, 24-29 the cleared signal's job (jobArgs),
//   30 warning key, 31 warning doc (timerDoc), 32 warning dueAt, 33 runs ('always' | 'away'), 34 presence collection
const STORE_INBOUND = JOB_FUNCTIONS + THREAD_FUNCTIONS + `
local P = KEYS[1]
local ch, cu, tid, rule, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[6]
local custPair, tkey = ARGV[7], ARGV[8]
local hkey, mkey = P .. 't:' .. tkey, P .. 'm:' .. ARGV[9]
local exists = redis.call('EXISTS', hkey) == 1
local cur = redis.call('ZREVRANGE', P .. 'open-cu:' .. custPair, 0, 0)[1]
local isNew = false
if rule == 'current' then
  if cur then
    if cur ~= tkey then return { 'elsewhere', redis.call('HGETALL', P .. 't:' .. cur) } end
  elseif exists then
    return { 'elsewhere' }
  else
    isNew = true
  end
elseif exists then
  local f = redis.call('HMGET', hkey, 'customerId', 'status', 'closedReason')
  if f[1] ~= cu then return { 'refused', 'THREAD_UNKNOWN' } end
  if f[2] == 'closed' then
    -- a retry of a message stored before the close is still a success, not a rejection
    local doc = redis.call('HGET', mkey, 'doc')
    local retry = doc and cjson.decode(doc).threadId == tid
    if not retry and (f[3] ~= 'agent' or ARGV[5] == '1') then return { 'refused', 'THREAD_CLOSED' } end
  end
elseif cur then
  return { 'supersede', redis.call('HGETALL', P .. 't:' .. cur) }
else
  isNew = true
end

if isNew then createThread(P, ch, cu, tid, now, now, custPair, tkey) end
if ARGV[10] == '1' then
  redis.call('HSETNX', P .. 'cust-at:' .. ch, cu, now)
  -- a webhook's step knows name and avatar only: the language the customer's widget reported stays (as on SQLite)
  local doc, was = ARGV[11], redis.call('HGET', P .. 'cust:' .. ch, cu)
  if was then
    local before = cjson.decode(was)
    if before.locale ~= nil then
      local after = cjson.decode(doc)
      if after.locale == nil then after.locale = before.locale; doc = cjson.encode(after) end
    end
  end
  redis.call('HSET', P .. 'cust:' .. ch, cu, doc)
  redis.call('SADD', P .. 'cust-channels', ch)
end
-- the job is (re-)offered on a repeat too: its dedupeKey keeps it single
enqueue(P, ARGV[16], ARGV[17], ARGV[18], ARGV[19], ARGV[20], ARGV[21])
local created = 0
if redis.call('EXISTS', mkey) == 0 then
  local seq = redis.call('HINCRBY', hkey, 'lastSeq', 1)
  bumpActivity(P, tkey, ARGV[12])
  redis.call('HSET', mkey, 'doc', ARGV[13], 'seq', seq, 'status', ARGV[14])
  redis.call('ZADD', P .. 'tm:' .. tkey, seq, ARGV[15])
  bumpActivity(P, tkey, now)
  created = 1
end

local cleared = 0
if created == 1 and ARGV[22] == '1' and redis.call('HGET', hkey, 'status') == 'open' then
  redis.call('ZREM', P .. 'timers-due', ARGV[23])
  cleared = redis.call('HDEL', P .. 'timers', ARGV[23])
  if cleared == 1 then enqueue(P, ARGV[24], ARGV[25], ARGV[26], ARGV[27], ARGV[28], ARGV[29]) end
  -- PresenceBook.of: away when some connection reported and none is present now
  local runs = ARGV[33] == 'always'
  if not runs then
    local docs = redis.call('HVALS', P .. 'doc:' .. ARGV[34])
    runs = #docs > 0
    for _, d in ipairs(docs) do
      local doc = cjson.decode(d)
      if doc.state == 'present' and tonumber(doc['until'] or 0) > tonumber(now) then runs = false end
    end
  end
  if runs then
    redis.call('HSET', P .. 'timers', ARGV[30], ARGV[31])
    redis.call('ZADD', P .. 'timers-due', ARGV[32], ARGV[30])
  else
    redis.call('ZREM', P .. 'timers-due', ARGV[30])
    redis.call('HDEL', P .. 'timers', ARGV[30])
  end
end
return { 'stored', created, redis.call('HGETALL', mkey), redis.call('HGETALL', hkey), cleared }`

export const INBOUND_LUA = { storeInbound: STORE_INBOUND } as const
