import { timerDoc, toTimer } from './redis-codec.js'
import type { RedisKeyspace } from './redis-keyspace.js'
import type { Timer, TimersPort } from './ports/timers.js'

/** Timers on Redis: a hash of timers and a due-time index; due ones become jobs in one script (redis-lua-timers.ts). */
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

    async moveDueTimersToJobs (now: number, limit: number): Promise<number> {
      return Number(await ks.lua('moveDueTimersToJobs', now, limit))
    },

    async countTimers (): Promise<number> {
      return redis.hlen(ks.k('timers'))
    }
  }
}
