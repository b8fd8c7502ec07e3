import { Redis, type RedisOptions } from 'ioredis'
import { lazyCluster, type RedisClient } from './redis-cluster.js'

/*
 * The one place that opens Redis connections: the store, the live bus and the rate limiter all get their ioredis
 * clients from here, so a topology (one node, Sentinel or Cluster) is configured once and behaves the same
 * everywhere.
 */

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

export interface SentinelAddress { host: string, port: number }

/** The `store` block's Redis part (config/schema.ts). */
export interface RedisStoreConfig {
  url?: string
  sentinels?: SentinelAddress[]
  name?: string
  cluster?: string[]
  keyPrefix?: string
  ackReplicas?: number
}

/** Where the data lives; each kind is one case of the switch in `createRedis`. */
export type RedisTopology =
  | { kind: 'standalone', url: string }
  | { kind: 'sentinel', sentinels: SentinelAddress[], name: string }
  | { kind: 'cluster', urls: string[] }

/** What a connection is for: each role has its own failure behaviour. */
export type RedisRole = 'store' | 'acked' | 'publisher' | 'subscriber'

const ROLE_OPTIONS: Record<RedisRole, RedisOptions> = {
  // fail fast while Redis is away: no offline queue (a command either goes out now or fails), one retry for a
  // command cut off mid-flight, and a bound on a Redis that accepts but never answers. Callers turn the error into
  // a 503 at once instead of a request that hangs for the ~20 reconnect attempts ioredis would otherwise wait out.
  // Auto-pipelining: the commands issued in one turn of the event loop leave in one write. A burst of idle timers
  // has a thousand firings in flight, each a few store calls: one write (and one read wakeup) per call was a large
  // part of the hub's CPU time per fired timer (bench/timer-burst.ts).
  store: { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000, enableAutoPipelining: true },
  // the writes a platform or CXone waits on (a customer message, an agent message): without auto-pipelining a
  // command leaves at once, where on the store connection it waits for the pipeline already in flight to come back
  // (ioredis runs one at a time per slot, and every key shares the deployment's slot), so with a busy background and
  // Redis 100 ms away the answer took two round trips instead of one (issue 17, F-7)
  acked: { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000 },
  // publishing fails fast while Redis is down (the caller logs and moves on) instead of queueing stale events
  publisher: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  // the subscriber only waits; ioredis re-subscribes after every reconnect
  subscriber: { maxRetriesPerRequest: null }
}

export function redisTopology (cfg: RedisStoreConfig): RedisTopology {
  if (cfg.cluster !== undefined && cfg.cluster.length > 0) return { kind: 'cluster', urls: cfg.cluster }
  if (cfg.sentinels !== undefined) {
    if (cfg.name === undefined) throw new Error('store.sentinels needs store.name (the primary\'s name in the sentinels\' config)')
    return { kind: 'sentinel', sentinels: cfg.sentinels, name: cfg.name }
  }
  return { kind: 'standalone', url: cfg.url ?? DEFAULT_REDIS_URL }
}

/** A bare URL is one node (tests and tools pass one). */
export function asTopology (target: string | RedisTopology): RedisTopology {
  return typeof target === 'string' ? { kind: 'standalone', url: target } : target
}

/** A demoted primary answers writes with READONLY until it drops its clients: reconnect (Sentinel then names the new one). */
export function isReadonlyError (err: Error): boolean {
  return err.message.startsWith('READONLY')
}

/** An unconnected client (lazyConnect) for one role; `connectRedis` is the usual entry. */
export function createRedis (topology: RedisTopology, role: RedisRole): RedisClient {
  const options: RedisOptions = { lazyConnect: true, ...ROLE_OPTIONS[role] }
  switch (topology.kind) {
    case 'standalone':
      return new Redis(topology.url, options)
    case 'cluster':
      return lazyCluster(topology.urls, options)
    case 'sentinel':
      return new Redis({
        ...options,
        sentinels: topology.sentinels,
        name: topology.name,
        // No failoverDetector: in ioredis 5.11 its sentinel subscriptions outlive disconnect() when a reconnect
        // races it (they retry forever and keep the process up). What it adds, dropping an old primary that is
        // still up, comes anyway: the sentinels demote a returning primary, whose writes then fail READONLY, and
        // reconnectOnError moves on; an isolated old primary has no replica left, so with ackReplicas > 0 its
        // writes are never acked (WAIT sees 0 replicas: 503).
        // Reconnect only; the failed write is answered 503 and the platform retries it (not resent by ioredis,
        // which would need the offline queue we keep off).
        reconnectOnError: isReadonlyError,
        // a sentinel down is not the primary down: ask the next one soon, but don't spin on all of them
        sentinelRetryStrategy: (times: number) => Math.min(times * 100, 1000),
        // while the sentinels still name the dead primary, retry often: the failover window ends at the first
        // attempt after the promotion, and ioredis' default backoff (up to 2 s) would add most of that to it
        retryStrategy: (times: number) => Math.min(times * 50, 250)
      })
  }
}

/** How long boot waits for a first connection: Sentinel mode retries the sentinels forever, so connect() alone never fails. */
const BOOT_CONNECT_MS = 10_000

/** Connects (and fails if Redis is unreachable at boot); ioredis reconnects on its own afterwards. */
export async function connectRedis (topology: RedisTopology, role: RedisRole): Promise<RedisClient> {
  const redis = createRedis(topology, role)
  const quiet = (): void => {} // the rejected connect() reports it; don't also log an unhandled 'error' event
  redis.on('error', quiet)
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis (${describe(topology)}) unreachable for ${BOOT_CONNECT_MS / 1000} s`)), BOOT_CONNECT_MS)
  })
  try {
    await Promise.race([redis.connect(), deadline])
  } catch (err) {
    redis.disconnect()
    throw err
  } finally {
    clearTimeout(timer)
    redis.off('error', quiet)
  }
  return redis
}

/** For messages: where we tried to connect (no password: URLs may carry one). */
function describe (topology: RedisTopology): string {
  switch (topology.kind) {
    case 'standalone': return topology.url.replace(/\/\/[^@/]*@/, '//')
    case 'sentinel': return `sentinel ${topology.name} via ${topology.sentinels.map(s => `${s.host}:${s.port}`).join(', ')}`
    case 'cluster': return `cluster via ${topology.urls.map(u => u.replace(/\/\/[^@/]*@/, '//')).join(', ')}`
  }
}
