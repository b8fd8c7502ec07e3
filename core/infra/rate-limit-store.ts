import type { Redis } from 'ioredis'

/** A lease is this share of the limit (at least one request), so a busy key costs a Redis round trip per 1/16 of it. */
const LEASE_SHARE = 16

type Result = { current: number, ttl: number }
type Incr = (key: string, cb: (err: Error | null, res: Result | null) => void, timeWindow: number, max: number) => void
interface RouteOptions { skipOnError?: boolean, routeInfo: { method: string, url: string } }
interface Window { readonly id: number, readonly endsAt: number, left: number, spent: boolean, lease?: Promise<void> }

/**
 * The rate limiter's store on the Redis driver: a local token bucket in front of the shared count, so a request
 * makes no Redis round trip of its own (issue 17: one round trip per inbound message, rate limiting included).
 *
 * Each instance leases allowance from the window's shared counter in Redis (INCRBY), max/16 requests at a time, and
 * spends it locally; only an empty lease goes back to Redis. Leases never add up past the limit, so the limit holds
 * exactly across instances: what an instance leased and did not use in a window is lost, so a key may be refused
 * up to (instances × max/16) requests early. A small limit (max < 32) leases one request at a time: exact, and a
 * round trip per request, as before. Redis down: the lease fails and the plugin lets the request through
 * (`skipOnError`: every route that needs Redis answers 503 by itself).
 *
 * A route that must fail closed (`skipOnError: false`, the token route: S-16, issue 14) leases one at a time too,
 * so while Redis cannot count, no token is issued.
 */
export function sharedRateLimitStore (redis: Redis, nameSpace: string): new () => { incr: Incr, child: (o: RouteOptions) => unknown } {
  const windows = new Map<string, Window>()

  const lease = async (name: string, w: Window, size: number, max: number): Promise<void> => {
    const key = `${nameSpace}${name}:${w.id}`
    const res = await redis.multi().incrby(key, size).pexpire(key, Math.max(1, w.endsAt - Date.now())).exec()
    const failed = res?.find(([err]) => err)?.[0]
    if (!res || failed) throw failed ?? new Error('rate limit lease failed')
    const total = Number(res[0]![1])
    const granted = Math.max(0, Math.min(size, max - (total - size)))
    w.left += granted
    if (granted < size) w.spent = true // the shared count reached the limit: no more leases this window
  }

  const incr = (prefix: string, oneAtATime: boolean): Incr => (key, cb, timeWindow, max) => {
    const now = Date.now()
    const name = `${prefix}${key}`
    const id = Math.floor(now / timeWindow)
    let w = windows.get(name)
    if (w === undefined || w.id !== id) {
      w = { id, endsAt: (id + 1) * timeWindow, left: 0, spent: false }
      windows.set(name, w)
      sweep(now)
    }
    const window = w
    const answer = (): void => {
      if (window.left > 0) { window.left--; cb(null, { current: max - window.left, ttl: window.endsAt - now }) } else cb(null, { current: max + 1, ttl: window.endsAt - now })
    }
    if (window.left > 0 || window.spent) { answer(); return }
    window.lease ??= lease(name, window, oneAtATime ? 1 : Math.max(1, Math.floor(max / LEASE_SHARE)), max).finally(() => { window.lease = undefined })
    window.lease.then(() => {
      // a lease another request was waiting on may be used up by then: take the next one
      if (window.left > 0 || window.spent) answer(); else incr(prefix, oneAtATime)(key, cb, timeWindow, max)
    }, (err: Error) => cb(err, null))
  }

  // windows that ended: dropped as new ones start, in one pass a second at most
  let sweptAt = 0
  const sweep = (now: number): void => {
    if (now - sweptAt < 1000) return
    sweptAt = now
    for (const [name, w] of windows) if (w.endsAt <= now) windows.delete(name)
  }

  class SharedStore {
    constructor (private readonly prefix = '', private readonly oneAtATime = false) {}
    incr: Incr = (key, cb, timeWindow, max) => incr(this.prefix, this.oneAtATime)(key, cb, timeWindow, max)
    child (o: RouteOptions): SharedStore {
      return new SharedStore(`${o.routeInfo.method}${o.routeInfo.url}-`, o.skipOnError === false)
    }
  }
  return SharedStore
}
