import { timerDoc, toTimer } from './redis-codec.js'
import type { RedisKeyspace } from './redis-keyspace.js'
import type { ClaimedTimer, Timer, TimerClaims, TimersPort } from './ports/timers.js'

/** Timers on Redis: a hash of timers and a due-time index; claims and completions are one script each (redis-lua-timers.ts). */
export function redisTimers (ks: RedisKeyspace): TimersPort {
  const { redis } = ks
  return {
    async setTimer (t: Timer): Promise<void> {
      await redis.multi()
        .hset(ks.k('timers'), t.key, timerDoc(t))
        .zadd(ks.k('timers-due'), t.dueAt, t.key)
        .exec()
    },

    async cancelTimer (key: string): Promise<boolean> {
      return await ks.lua('cancelTimer', key) === 1
    },

    async getTimer (key: string): Promise<Timer | undefined> {
      const doc = await redis.hget(ks.k('timers'), key)
      return doc != null ? toTimer(key, doc) : undefined
    },

    async claimDueTimers (now: number, limit: number, leaseMs: number): Promise<TimerClaims> {
      const claim = now + leaseMs
      // scored half a millisecond short (redis-lua-timers.ts), written from here: Lua would print it with 14 digits
      const out = await ks.lua('claimDueTimers', now, limit, claim - 0.5) as string[]
      const timers: ClaimedTimer[] = []
      for (let i = 0; i + 1 < out.length; i += 2) timers.push({ ...toTimer(out[i]!, out[i + 1]!), claim })
      const next = out[out.length - 1]
      // a claim's score is half a millisecond short of its end (redis-lua-timers.ts): the next due time is whole
      return { timers, nextDueAt: next ? Math.ceil(Number(next)) : undefined }
    },

    async completeTimers (claims: ReadonlyArray<Pick<ClaimedTimer, 'key' | 'claim'>>): Promise<number> {
      if (claims.length === 0) return 0
      return Number(await ks.lua('completeTimers', ...claims.flatMap(c => [c.key, c.claim])))
    },

    async countTimers (): Promise<number> {
      return redis.hlen(ks.k('timers'))
    }
  }
}
