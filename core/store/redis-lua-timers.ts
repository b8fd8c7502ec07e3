import { JOB_FUNCTIONS } from './redis-lua-outbox.js'

/* The timer scripts of the Redis store (redis-timers.ts). */

export const TIMERS_LUA = {
  // KEYS: P; ARGV: now, limit. Due timers become 'timer.fire' jobs in the same script (see TimersPort.moveDueTimersToJobs, ports/timers.ts).
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
return redis.call('HDEL', KEYS[1] .. 'timers', ARGV[1])`
} as const
