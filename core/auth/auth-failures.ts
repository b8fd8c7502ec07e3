import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import { hubError } from '../errors.js'
import type { RedisClient } from '../store/redis-cluster.js'

/**
 * Failed authentications per client address (bad bearer tokens, wrong client secrets). Counted before any token is
 * verified, so a flood of forged tokens meets 429 instead of costing a verification each. A fixed window: after
 * `max` failures, every call from that address is refused until the window ends.
 */
export interface AuthFailureCounter {
  /** milliseconds until the address may try again; 0 when it may */
  blockedFor (address: string): Promise<number>
  record (address: string): Promise<void>
}

export interface AuthFailureOptions { max: number, windowMs: number, log: FastifyBaseLogger }

/** One instance: a map of windows, swept when it grows so an address spray cannot grow it forever. */
export function localAuthFailures (o: AuthFailureOptions): AuthFailureCounter {
  const windows = new Map<string, { count: number, resetAt: number }>()
  const live = (address: string, now: number) => {
    const w = windows.get(address)
    return w && w.resetAt > now ? w : undefined
  }
  return {
    async blockedFor (address) {
      const now = Date.now()
      const w = live(address, now)
      return w && w.count >= o.max ? w.resetAt - now : 0
    },
    async record (address) {
      const now = Date.now()
      const w = live(address, now)
      if (w) { w.count++; return }
      if (windows.size >= 100_000) for (const [k, v] of windows) if (v.resetAt <= now) windows.delete(k)
      windows.set(address, { count: 1, resetAt: now + o.windowMs })
    }
  }
}

/**
 * Several instances count together. While Redis is unreachable nothing is refused for want of a counter (as for
 * the request rate limit): tokens are still verified, only the flood brake is off.
 */
export function redisAuthFailures (redis: RedisClient, keyPrefix: string, o: AuthFailureOptions): AuthFailureCounter {
  const key = (address: string) => `${keyPrefix}authfail:${address}`
  return {
    async blockedFor (address) {
      try {
        const [[, count], [, ttl]] = await redis.multi().get(key(address)).pttl(key(address)).exec() as [[unknown, string | null], [unknown, number]]
        return Number(count ?? 0) >= o.max && ttl > 0 ? ttl : 0
      } catch (err) {
        o.log.debug({ err }, 'auth failure counter unavailable')
        return 0
      }
    },
    async record (address) {
      try {
        // the window starts with the first failure (SET NX); MULTI keeps the two steps together
        await redis.multi().set(key(address), 0, 'PX', o.windowMs, 'NX').incr(key(address)).exec()
      } catch (err) {
        o.log.debug({ err }, 'auth failure not counted')
      }
    }
  }
}

/** Refuses an address over its failure budget: 429 with Retry-After in whole seconds. */
export async function refuseIfBlocked (counter: AuthFailureCounter, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const waitMs = await counter.blockedFor(request.ip)
  if (waitMs <= 0) return
  reply.header('retry-after', String(Math.max(1, Math.ceil(waitMs / 1000))))
  throw hubError('RATE_LIMITED', 'too many failed authentications from this address')
}
