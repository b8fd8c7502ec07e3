/* A thread's activity in Lua: shared by the thread scripts (redis-lua-conversations.ts) and the outbox's settle. */

// lastActivityAt moves forward only; an open thread's score in its customer's open-cu set follows it (the current
// thread is the one with the highest). touchThread also keeps the CXone contact id a delivery learnt; no thread, no-op
export const ACTIVITY_FUNCTIONS = `
local function bumpActivity (P, tkey, at)
  local hkey = P .. 't:' .. tkey
  local f = redis.call('HMGET', hkey, 'lastActivityAt', 'status', 'pair')
  if tonumber(at) <= tonumber(f[1]) then return end
  redis.call('HSET', hkey, 'lastActivityAt', at)
  if f[2] == 'open' then redis.call('ZADD', P .. 'open-cu:' .. f[3], at, tkey) end
end
local function touchThread (P, tkey, at, contactId)
  if not redis.call('HGET', P .. 't:' .. tkey, 'lastActivityAt') then return 0 end
  bumpActivity(P, tkey, at)
  if contactId ~= '' then redis.call('HSET', P .. 't:' .. tkey, 'contactId', contactId) end
  return 1
end
`
