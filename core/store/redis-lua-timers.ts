/*
 * The timer scripts of the Redis store (redis-timers.ts). A claim re-scores the timer in `timers-due` to half a
 * millisecond before the end of its lease (claim - 0.5), which is also the claim's token: the timer falls due again
 * only if its claim lapses, and setTimer (which scores it at its new due time) or cancelTimer (which removes it)
 * makes the claim stale. The half: due times are whole milliseconds, so a timer set again while claimed, due exactly
 * when the claim ends, never carries the claim's score (its completion would remove the new timer).
 */

export const TIMERS_LUA = {
  // KEYS: P; ARGV: now, limit, claim - 0.5 (claim: now + lease). Returns key1, doc1, key2, doc2, ..., then the earliest score left
  // in timers-due ('' when none): the next due time or lapsing claim, so the caller knows how long it may sleep.
  claimDueTimers: `
local P = KEYS[1]
local due = redis.call('ZRANGEBYSCORE', P .. 'timers-due', '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, key in ipairs(due) do
  local doc = redis.call('HGET', P .. 'timers', key)
  if doc then
    redis.call('ZADD', P .. 'timers-due', ARGV[3], key)
    out[#out + 1] = key
    out[#out + 1] = doc
  else
    redis.call('ZREM', P .. 'timers-due', key)
  end
end
local first = redis.call('ZRANGE', P .. 'timers-due', 0, 0, 'WITHSCORES')
out[#out + 1] = first[2] or ''
return out`,

  // KEYS: P; ARGV: key1, claim1, key2, claim2, ... Removes each timer still scored at its claim (claim - 0.5).
  completeTimers: `
local P = KEYS[1]
local n = 0
for i = 1, #ARGV, 2 do
  local score = redis.call('ZSCORE', P .. 'timers-due', ARGV[i])
  if score and tonumber(score) == tonumber(ARGV[i + 1]) - 0.5 then
    redis.call('ZREM', P .. 'timers-due', ARGV[i])
    redis.call('HDEL', P .. 'timers', ARGV[i])
    n = n + 1
  end
end
return n`,

  // KEYS: P; ARGV: key
  cancelTimer: `
redis.call('ZREM', KEYS[1] .. 'timers-due', ARGV[1])
return redis.call('HDEL', KEYS[1] .. 'timers', ARGV[1])`
} as const
