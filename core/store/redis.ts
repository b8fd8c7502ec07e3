import type { Redis } from 'ioredis'
import { asTopology, connectRedis, type RedisTopology } from './redis-connect.js'
import { ReplicaAck } from './redis-replica-ack.js'
import { migrateRedis } from './redis-migrate.js'
import { isCluster, type RedisClient } from './redis-cluster.js'
import { hashTagged } from './redis-codec.js'
import { RedisKeyspace } from './redis-keyspace.js'
import { redisConversations } from './redis-conversations.js'
import { redisInbound } from './redis-inbound.js'
import { redisOutbox } from './redis-outbox.js'
import { redisTimers } from './redis-timers.js'
import { redisDocuments, redisLeases, redisSigningKeys } from './redis-keys-docs.js'
import { redisPrivacy } from './redis-privacy.js'
import { portsBase } from './ports-base.js'
import type { Store, StorePorts } from './types.js'

/*
 * Key layout 3 (P = `{keyPrefix}`: the configured prefix as a hash tag, so every key of one deployment lives in one
 * Redis Cluster slot). Every multi-step change is one Lua script (redis-lua-*.ts), so it is atomic across instances;
 * nothing depends on one process's memory.
 *
 *  customers   P cust:{channelId}          HASH customerId -> JSON {name, avatar}
 *              P cust-at:{channelId}       HASH customerId -> createdAt (HSETNX: the first upsert wins)
 *              P cust-channels             SET channelIds that have customers (still written; read
 *                                               by nothing since listCustomers went)
 *  (ids are scoped by channel: tkey = JSON [channelId, threadId], mkey = JSON [channelId, messageId])
 *  schema      P schema                    STRING layout version (redis-migrate.ts rewrites older layouts at connect)
 *  threads     P t:{tkey}                  HASH threadId channelId customerId status closedReason createdAt lastActivityAt
 *                                               contactId lastSeq (last message seq) pair (JSON [channel, customer])
 *              P open-cu:{pair}            ZSET lastActivityAt -> tkey: the customer's open threads; the highest is
 *                                               the current thread
 *              P threads / threads-ch:{channelId} / threads-open:{channelId} / threads-cu:{pair}
 *                                          ZSET createdAt -> tkey (listing indexes; ties order by tkey)
 *  messages    P m:{mkey}                  HASH doc (JSON, immutable part) seq status
 *              P tm:{tkey}                 ZSET seq -> messageId (the timeline)
 *  outbox      P job-seq                   STRING counter for job ids
 *              P j:{jobId}                 HASH kind orderKey dedupeKey payload attempts state runAt lastError createdAt
 *                                               leaseOwner leaseUntil
 *              P dedupe                    HASH dedupeKey -> jobId (kept forever, like SQLite's UNIQUE)
 *              P q:{orderKey}              ZSET jobId -> jobId: pending jobs of the key; the lowest is its head
 *              P heads                     ZSET claimableAt -> orderKey, one entry per key with pending jobs;
 *                                               claimableAt = max(head.runAt, head.leaseUntil), so an expired lease
 *                                               (a crashed owner) makes the head claimable again
 *              P heads:p                   ZSET as heads, for the platform lane's keys (orderKey platform:*), which
 *                                               claims serve first (ports/outbox.ts PLATFORM_LANE_PREFIX)
 *              P jobs / jobs:pending / jobs:done / jobs:dead   ZSET jobId -> jobId (listing)
 *              P pending-age               ZSET createdAt -> jobId (oldest pending)
 *  idempotency P idem:{JSON [scope, key]}  STRING JSON value, PX ttl
 *  timers      P timers                    HASH key -> JSON {kind, dueAt, payload}
 *              P timers-due                ZSET dueAt (or claim end) -> key (claimDueTimers)
 *  keys        P signing-keys              HASH kid -> JSON SigningKey (HSETNX)
 *  leases      P lease:{name}              HASH owner until (expiry is data, so tests can inject `now`)
 *  docs        P doc:{collection}          HASH id -> JSON
 */

/** The two logger calls the store needs (a pino/fastify logger fits). */
export interface ConnectionLog {
  warn (obj: object, msg: string): void
  info (obj: object, msg: string): void
}

/**
 * The shared driver: every hub instance on one Redis (a node, a Sentinel-managed primary or a cluster). Each port
 * lives in its own file (redis-conversations.ts, redis-outbox.ts, redis-timers.ts, redis-keys-docs.ts), all over
 * one keyspace (redis-keyspace.ts); this class connects, migrates the layout and reports the connection's health.
 */
export class RedisStore extends portsBase<StorePorts>() implements Store {
  readonly driver = 'redis'
  private closed = false

  private log: ConnectionLog = { warn: (_o, msg) => console.warn(`byoc-hub: ${msg}`), info: () => {} }
  private lost = false
  private readonly ks: RedisKeyspace

  /** what every key starts with: `{keyPrefix}` (the rate limiter and auth-failure counter put theirs here too) */
  readonly keyspace: string

  private constructor (readonly redis: RedisClient, private readonly acked: RedisClient, readonly keyPrefix: string, ackReplicas: number) {
    // WAIT is per connection; a cluster has one per node, so replica acks are for one node (config refuses the mix)
    const replicas = isCluster(redis) ? 0 : ackReplicas
    const ks = new RedisKeyspace(redis, new ReplicaAck(redis as Redis, replicas), { redis: acked, ack: new ReplicaAck(acked as Redis, replicas) }, hashTagged(keyPrefix))
    super({
      ...redisConversations(ks), ...redisInbound(ks), ...redisOutbox(ks), ...redisTimers(ks),
      ...redisSigningKeys(ks), ...redisDocuments(ks), ...redisLeases(ks), ...redisPrivacy(ks)
    })
    this.ks = ks
    this.keyspace = ks.keyspace
    // ioredis reconnects by itself; without an 'error' listener it prints every failed attempt. One line per outage
    // (both connections go down together when Redis does).
    for (const client of [redis, acked]) {
      client.on('error', (err: Error) => {
        if (this.lost || this.closed) return
        this.lost = true
        this.log.warn({ err }, 'redis connection lost; reconnecting (readiness is false until it is back)')
      })
      client.on('ready', () => {
        if (!this.lost || this.connections().some(c => c.status !== 'ready')) return
        this.lost = false
        this.log.info({}, 'redis connection restored')
      })
    }
  }

  private connections (): RedisClient[] {
    return [this.redis, this.acked]
  }

  /** Where connection loss and recovery are reported (the hub's logger). */
  setConnectionLog (log: ConnectionLog): void {
    this.log = log
  }

  /**
   * Connects to one node, a Sentinel-named primary or a cluster (and fails fast if Redis is unreachable at boot);
   * ioredis reconnects on its own afterwards.
   * `ackReplicas` > 0: the writes a platform or CXone is acked for wait until that many replicas have them.
   */
  static async connect (target: string | RedisTopology, keyPrefix = 'byoc:', opts: { ackReplicas?: number } = {}): Promise<RedisStore> {
    hashTagged(keyPrefix) // a prefix that cannot be a hash tag fails here, before a connection is left open
    const topology = asTopology(target)
    const connected = await Promise.allSettled([connectRedis(topology, 'store'), connectRedis(topology, 'acked')])
    const [redis, acked] = connected.map(c => c.status === 'fulfilled' ? c.value : undefined)
    if (redis === undefined || acked === undefined) {
      redis?.disconnect()
      acked?.disconnect()
      throw (connected.find(c => c.status === 'rejected') as PromiseRejectedResult).reason
    }
    const store = new RedisStore(redis, acked, keyPrefix, opts.ackReplicas ?? 0)
    try {
      await migrateRedis(redis, keyPrefix, (name, key, ...args) => store.ks.script(name, key, ...args))
    } catch (err) {
      redis.disconnect()
      acked.disconnect()
      throw err
    }
    return store
  }

  /** Readiness: a round trip, failing within 2 s while Redis is down instead of waiting on reconnects. */
  async ping (): Promise<void> {
    // while reconnecting, commands would wait in ioredis' offline queue: answer at once instead
    for (const client of this.connections()) if (client.status !== 'ready') throw new Error(`redis ${client.status}`)
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('redis ping timed out')), 2000) })
    try {
      // a read of one of our keys, not PING: on a cluster PING goes to any node, this goes to our slot's master
      await Promise.race([this.redis.exists(this.ks.k('schema')), timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await Promise.all(this.connections().map(client => client.quit().catch(() => client.disconnect())))
  }
}
