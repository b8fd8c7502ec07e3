import type { Redis } from 'ioredis'
import { nextStatus } from './message-status.js'
import { asTopology, connectRedis, type RedisTopology } from './redis-connect.js'
import { ReplicaAck } from './redis-replica-ack.js'
import { LUA, type LuaName } from './redis-lua.js'
import { MIGRATION_LUA, migrateRedis, type MigrationLuaName } from './redis-migrate.js'
import { isCluster, type RedisClient } from './redis-cluster.js'
import {
  fields, hashTagged, messageDoc, pairKey, timerDoc, toCustomer, toJob, toMessage, toThread, toTimer, type Fields
} from './redis-codec.js'
import type {
  Customer, InsertMessageResult, Job, JobState, MessageStatus, NewJob, NewMessage, SigningKey, Store, StoredMessage,
  Thread, ThreadStatus, Timer
} from './types.js'

/*
 * Key layout 3 (P = `{keyPrefix}`: the configured prefix as a hash tag, so every key of one deployment lives in one
 * Redis Cluster slot). Every multi-step change is one Lua script (redis-lua.ts), so it is atomic across instances;
 * nothing depends on one process's memory.
 *
 *  customers   P cust:{channelId}          HASH customerId -> JSON {name, avatar}
 *              P cust-at:{channelId}       HASH customerId -> createdAt (HSETNX: the first upsert wins)
 *              P cust-channels             SET channelIds that have customers
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
 *              P jobs / jobs:pending / jobs:done / jobs:dead   ZSET jobId -> jobId (listing)
 *              P pending-age               ZSET createdAt -> jobId (oldest pending)
 *  idempotency P idem:{JSON [scope, key]}  STRING JSON value, PX ttl
 *  timers      P timers                    HASH key -> JSON {kind, dueAt, payload}
 *              P timers-due                ZSET dueAt -> key (takeDueTimers pops atomically)
 *  keys        P signing-keys              HASH kid -> JSON SigningKey (HSETNX)
 *  leases      P lease:{name}              HASH owner until (expiry is data, so tests can inject `now`)
 *  docs        P doc:{collection}          HASH id -> JSON
 */

/** The two logger calls the store needs (a pino/fastify logger fits). */
export interface ConnectionLog {
  warn (obj: object, msg: string): void
  info (obj: object, msg: string): void
}

type ScriptFn = (...args: Array<string | number>) => Promise<unknown>
const LIST_BATCH = 200

export class RedisStore implements Store {
  readonly driver = 'redis'
  private closed = false

  private log: ConnectionLog = { warn: (_o, msg) => console.warn(`byoc-hub: ${msg}`), info: () => {} }
  private lost = false
  private readonly ack: ReplicaAck

  /** what every key starts with: `{keyPrefix}` (the rate limiter and auth-failure counter put theirs here too) */
  readonly keyspace: string

  private constructor (readonly redis: RedisClient, readonly keyPrefix: string, ackReplicas: number) {
    this.keyspace = hashTagged(keyPrefix)
    // WAIT is per connection; a cluster has one per node, so replica acks are for one node (config refuses the mix)
    this.ack = new ReplicaAck(redis as Redis, isCluster(redis) ? 0 : ackReplicas)
    // one declared key per script, the keyspace itself: it routes the call to the deployment's slot on a cluster,
    // and every key the script builds from it shares that slot
    for (const [name, lua] of Object.entries({ ...LUA, ...MIGRATION_LUA })) redis.defineCommand(`byoc_${name}`, { numberOfKeys: 1, lua })
    // ioredis reconnects by itself; without an 'error' listener it prints every failed attempt. One line per outage.
    redis.on('error', (err: Error) => {
      if (this.lost || this.closed) return
      this.lost = true
      this.log.warn({ err }, 'redis connection lost; reconnecting (readiness is false until it is back)')
    })
    redis.on('ready', () => {
      if (!this.lost) return
      this.lost = false
      this.log.info({}, 'redis connection restored')
    })
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
    const redis = await connectRedis(asTopology(target), 'store')
    const store = new RedisStore(redis, keyPrefix, opts.ackReplicas ?? 0)
    try {
      await migrateRedis(redis, keyPrefix, (name, key, ...args) => store.script(name, key, ...args))
    } catch (err) {
      redis.disconnect()
      throw err
    }
    return store
  }

  private k (name: string): string {
    return this.keyspace + name
  }

  private lua (name: LuaName, ...args: Array<string | number>): Promise<unknown> {
    return this.script(name, this.keyspace, ...args)
  }

  /** A store script with `key` as KEYS[1], the prefix it builds key names from (the old layouts' for migrations). */
  private script (name: LuaName | MigrationLuaName, key: string, ...args: Array<string | number>): Promise<unknown> {
    return (this.redis as unknown as Record<string, ScriptFn>)[`byoc_${name}`](key, ...args)
  }

  /** HGETALL for many keys in one round trip; missing keys come back empty. */
  private async hashes (keys: string[]): Promise<Fields[]> {
    if (keys.length === 0) return []
    const pipe = this.redis.pipeline()
    for (const key of keys) pipe.hgetall(key)
    const res = await pipe.exec()
    return (res ?? []).map(([err, value]) => { if (err) throw err; return value as Fields })
  }

  async upsertCustomer (c: Omit<Customer, 'createdAt'>): Promise<Customer> {
    const doc = JSON.stringify({ name: c.name, avatar: c.avatar })
    const res = await this.redis.multi()
      .hsetnx(this.k(`cust-at:${c.channelId}`), c.customerId, Date.now())
      .hset(this.k(`cust:${c.channelId}`), c.customerId, doc)
      .sadd(this.k('cust-channels'), c.channelId)
      .hget(this.k(`cust-at:${c.channelId}`), c.customerId)
      .exec()
    return toCustomer(c.channelId, c.customerId, doc, String(res![3][1]))
  }

  async getCustomer (channelId: string, customerId: string): Promise<Customer | undefined> {
    const [doc, at] = await Promise.all([
      this.redis.hget(this.k(`cust:${channelId}`), customerId), this.redis.hget(this.k(`cust-at:${channelId}`), customerId)
    ])
    return doc != null && at != null ? toCustomer(channelId, customerId, doc, at) : undefined
  }

  async listCustomers (channelId?: string): Promise<Customer[]> {
    const channels = channelId !== undefined ? [channelId] : await this.redis.smembers(this.k('cust-channels'))
    const docs = await this.hashes(channels.map(ch => this.k(`cust:${ch}`)))
    const ats = await this.hashes(channels.map(ch => this.k(`cust-at:${ch}`)))
    const out = channels.flatMap((ch, i) => Object.entries(docs[i]).map(([id, doc]) => toCustomer(ch, id, doc, ats[i][id] ?? '0')))
    return out.sort((a, b) => a.createdAt - b.createdAt || (a.channelId + '\0' + a.customerId < b.channelId + '\0' + b.customerId ? -1 : 1))
  }

  async openThread (channelId: string, customerId: string, candidateThreadId: string, now = Date.now()): Promise<{ thread: Thread, created: boolean }> {
    const [created, flat] = await this.lua('openThread', channelId, customerId, candidateThreadId, now, pairKey(channelId, customerId), pairKey(channelId, candidateThreadId)) as [number, unknown]
    return { thread: toThread(fields(flat)), created: created === 1 }
  }

  async startThread (channelId: string, customerId: string, threadId: string, now = Date.now()): Promise<{ thread: Thread, created: boolean }> {
    const [created, flat] = await this.lua('startThread', channelId, customerId, threadId, now, pairKey(channelId, customerId), pairKey(channelId, threadId)) as [number, unknown]
    return { thread: toThread(fields(flat)), created: created === 1 }
  }

  private async threadAt (tkey: string): Promise<Thread | undefined> {
    const f = await this.redis.hgetall(this.k(`t:${tkey}`))
    return f.status !== undefined ? toThread(f) : undefined
  }

  async getThread (channelId: string, threadId: string): Promise<Thread | undefined> {
    return this.threadAt(pairKey(channelId, threadId))
  }

  async findCurrentThread (channelId: string, customerId: string): Promise<Thread | undefined> {
    const [tkey] = await this.redis.zrevrange(this.k(`open-cu:${pairKey(channelId, customerId)}`), 0, 0)
    return tkey !== undefined ? this.threadAt(tkey) : undefined
  }

  async countOpenThreads (channelId: string): Promise<number> {
    return this.redis.zcard(this.k(`threads-open:${channelId}`))
  }

  async listThreads (f: { channelId?: string, customerId?: string, status?: ThreadStatus, limit?: number }): Promise<Thread[]> {
    // the narrowest index, then the remaining filters on the loaded threads
    const index = f.channelId !== undefined && f.customerId !== undefined
      ? `threads-cu:${pairKey(f.channelId, f.customerId)}`
      : f.channelId !== undefined ? (f.status === 'open' ? `threads-open:${f.channelId}` : `threads-ch:${f.channelId}`) : 'threads'
    const keep = (t: Thread): boolean => (f.channelId === undefined || t.channelId === f.channelId) &&
      (f.customerId === undefined || t.customerId === f.customerId) && (f.status === undefined || t.status === f.status)
    return this.scanIndex(this.k(index), f.limit ?? 10_000, tkey => this.k(`t:${tkey}`), (_tkey, h) => {
      const t = h.status !== undefined ? toThread(h) : undefined
      return t && keep(t) ? t : undefined
    })
  }

  /** Walks a ZSET index in order, loads each member's hash and keeps what `pick` returns, up to `limit`. */
  private async scanIndex<T> (index: string, limit: number, keyOf: (id: string) => string, pick: (id: string, h: Fields) => T | undefined): Promise<T[]> {
    const out: T[] = []
    for (let offset = 0; out.length < limit; offset += LIST_BATCH) {
      const ids = await this.redis.zrange(index, offset, offset + LIST_BATCH - 1)
      const hashes = await this.hashes(ids.map(keyOf))
      for (const [i, id] of ids.entries()) {
        const item = pick(id, hashes[i])
        if (item !== undefined && out.length < limit) out.push(item)
      }
      if (ids.length < LIST_BATCH) break
    }
    return out
  }

  async closeThread (channelId: string, threadId: string, reason: string): Promise<boolean> {
    return await this.lua('closeThread', pairKey(channelId, threadId), reason) === 1
  }

  async touchThread (channelId: string, threadId: string, at: number, contactId?: string): Promise<void> {
    await this.lua('touchThread', pairKey(channelId, threadId), at, contactId !== undefined ? '1' : '0', contactId ?? '')
  }

  async insertMessage (m: NewMessage, job?: NewJob): Promise<InsertMessageResult> {
    const now = Date.now()
    const jobArgs = job ? ['1', ...this.jobArgs(job, now)] : ['0']
    // acked to the platform (inbound) or to CXone (outbound) once this returns: the one write that must survive a failover
    const [created, flat] = await this.ack.confirmed(() => this.lua('insertMessage', pairKey(m.channelId, m.messageId), pairKey(m.channelId, m.threadId), m.createdAt,
      messageDoc(m), m.status ?? 'accepted', m.messageId, ...jobArgs)) as [number, unknown]
    return { message: toMessage(fields(flat)), created: created === 1 }
  }

  async getMessage (channelId: string, messageId: string): Promise<StoredMessage | undefined> {
    const f = await this.redis.hgetall(this.k(`m:${pairKey(channelId, messageId)}`))
    return f.doc !== undefined ? toMessage(f) : undefined
  }

  async listMessages (channelId: string, threadId: string, afterSeq = 0, limit = 1000): Promise<StoredMessage[]> {
    const ids = await this.redis.zrangebyscore(this.k(`tm:${pairKey(channelId, threadId)}`), `(${afterSeq}`, '+inf', 'LIMIT', 0, limit)
    return (await this.hashes(ids.map(id => this.k(`m:${pairKey(channelId, id)}`)))).map(toMessage)
  }

  async setMessageStatus (channelId: string, messageId: string, status: MessageStatus): Promise<boolean> {
    const mkey = pairKey(channelId, messageId)
    // compare-and-set, retried on a lost race: statuses only move forward, so this ends within a few rounds
    for (;;) {
      const current = await this.redis.hget(this.k(`m:${mkey}`), 'status') as MessageStatus | null
      if (current == null) return false
      const next = nextStatus(current, status)
      if (next === current) return false
      if (await this.lua('casMessageStatus', mkey, current, next) === 1) return true
    }
  }

  private jobArgs (job: NewJob, now: number): Array<string | number> {
    return [job.kind, job.orderKey, job.dedupeKey ?? '', JSON.stringify(job.payload ?? null), job.runAt ?? now, now]
  }

  async enqueue (job: NewJob): Promise<Job | undefined> {
    // jobs carry what a request acked (a reply, an action); job completions are not confirmed: one lost in a failover
    // only runs its job again, which the receivers' dedupe absorbs
    const res = await this.ack.confirmed(() => this.lua('enqueue', ...this.jobArgs(job, Date.now()))) as [number, unknown] | null
    return res ? toJob(res[0], fields(res[1])) : undefined
  }

  async claimJobs (owner: string, limit: number, leaseMs: number, now = Date.now()): Promise<Job[]> {
    const rows = await this.lua('claimJobs', owner, limit, leaseMs, now) as Array<[string, unknown]>
    return rows.map(([id, flat]) => toJob(id, fields(flat)))
  }

  async completeJob (jobId: Job['jobId'], owner: string): Promise<void> {
    await this.lua('completeJob', String(jobId), owner)
  }

  async retryJob (jobId: Job['jobId'], owner: string, runAt: number, error: string, opts?: { countAttempt?: boolean }): Promise<void> {
    await this.lua('retryJob', String(jobId), owner, runAt, error, opts?.countAttempt === false ? 0 : 1)
  }

  async buryJob (jobId: Job['jobId'], owner: string, error: string): Promise<void> {
    await this.lua('buryJob', String(jobId), owner, error)
  }

  async listJobs (f: { state?: JobState, kind?: string, limit?: number }): Promise<Job[]> {
    const index = this.k(f.state ? `jobs:${f.state}` : 'jobs')
    return this.scanIndex(index, f.limit ?? 1000, id => this.k(`j:${id}`), (id, h) => {
      if (h.state === undefined || (f.state && h.state !== f.state) || (f.kind && h.kind !== f.kind)) return undefined
      return toJob(id, h)
    })
  }

  async replayJob (jobId: Job['jobId']): Promise<boolean> {
    return await this.lua('replayJob', String(jobId), Date.now()) === 1
  }

  async outboxStats (now = Date.now()): Promise<{ pending: number, dead: number, oldestPendingAgeMs: number }> {
    const res = await this.redis.multi()
      .zcard(this.k('jobs:pending'))
      .zcard(this.k('jobs:dead'))
      .zrange(this.k('pending-age'), 0, 0, 'WITHSCORES')
      .exec()
    const oldest = res![2][1] as string[]
    return {
      pending: Number(res![0][1]),
      dead: Number(res![1][1]),
      oldestPendingAgeMs: oldest.length ? Math.max(0, now - Number(oldest[1])) : 0
    }
  }

  async remember (scope: string, key: string, value: unknown, ttlMs: number): Promise<{ value: unknown, created: boolean }> {
    const ttl = Math.max(1, Math.ceil(ttlMs))
    const [stored, created] = await this.lua('remember', pairKey(scope, key), JSON.stringify(value ?? null), ttl) as [string, number]
    return { value: JSON.parse(stored), created: created === 1 }
  }

  async recall (scope: string, key: string): Promise<unknown> {
    // the key remember's Lua script writes (redis-lua.ts); Redis expires it with the TTL
    const stored = await this.redis.get(this.k(`idem:${pairKey(scope, key)}`))
    return stored === null ? undefined : JSON.parse(stored)
  }

  async setTimer (t: Timer): Promise<void> {
    await this.redis.multi()
      .hset(this.k('timers'), t.key, timerDoc(t))
      .zadd(this.k('timers-due'), t.dueAt, t.key)
      .exec()
  }

  async cancelTimer (key: string): Promise<boolean> {
    return await this.lua('cancelTimer', key) === 1
  }

  async getTimer (key: string): Promise<Timer | undefined> {
    const doc = await this.redis.hget(this.k('timers'), key)
    return doc != null ? toTimer(key, doc) : undefined
  }

  async takeDueTimers (now: number, limit: number): Promise<Timer[]> {
    const rows = await this.lua('takeDueTimers', now, limit) as Array<[string, string]>
    return rows.map(([key, doc]) => toTimer(key, doc))
  }

  async moveDueTimersToJobs (now: number, limit: number): Promise<number> {
    return Number(await this.lua('moveDueTimersToJobs', now, limit))
  }

  async countTimers (): Promise<number> {
    return this.redis.hlen(this.k('timers'))
  }

  async listSigningKeys (): Promise<SigningKey[]> {
    const keys = (await this.redis.hvals(this.k('signing-keys'))).map(v => JSON.parse(v) as SigningKey)
    return keys.sort((a, b) => a.createdAt - b.createdAt || (a.kid < b.kid ? -1 : 1))
  }

  async addSigningKey (key: SigningKey): Promise<void> {
    await this.redis.hsetnx(this.k('signing-keys'), key.kid, JSON.stringify({ kid: key.kid, secret: key.secret, createdAt: key.createdAt }))
  }

  async tryLease (name: string, owner: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    return await this.lua('tryLease', name, owner, ttlMs, now) === 1
  }

  async releaseLease (name: string, owner: string): Promise<void> {
    await this.lua('releaseLease', name, owner)
  }

  async putDoc (collection: string, id: string, doc: unknown): Promise<void> {
    await this.redis.hset(this.k(`doc:${collection}`), id, JSON.stringify(doc ?? null))
  }

  async getDoc<T> (collection: string, id: string): Promise<T | undefined> {
    const v = await this.redis.hget(this.k(`doc:${collection}`), id)
    return v != null ? JSON.parse(v) as T : undefined
  }

  async deleteDoc (collection: string, id: string): Promise<boolean> {
    return await this.redis.hdel(this.k(`doc:${collection}`), id) === 1
  }

  async listDocs<T> (collection: string): Promise<T[]> {
    return (await this.redis.hvals(this.k(`doc:${collection}`))).map(v => JSON.parse(v) as T)
  }

  /** Readiness: a round trip, failing within 2 s while Redis is down instead of waiting on reconnects. */
  async ping (): Promise<void> {
    // while reconnecting, commands would wait in ioredis' offline queue: answer at once instead
    if (this.redis.status !== 'ready') throw new Error(`redis ${this.redis.status}`)
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('redis ping timed out')), 2000) })
    try {
      // a read of one of our keys, not PING: on a cluster PING goes to any node, this goes to our slot's master
      await Promise.race([this.redis.exists(this.k('schema')), timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.redis.quit().catch(() => this.redis.disconnect())
  }
}
