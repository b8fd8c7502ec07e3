import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Test } from 'tap'
import { Redis } from 'ioredis'
import type { RedisTopology, SentinelAddress } from '../../core/store/redis-connect.js'
import { eventually } from '../helper.js'
import { freePort } from '../process/spawn-hub.js'
import { answers, ownRedis, type OwnRedis } from './own-redis.js'

export const PRIMARY_NAME = 'byoc'
const SENTINEL_BIN = process.env.REDIS_SENTINEL_BIN ?? 'redis-sentinel'

export interface SentinelRig {
  /** the two data nodes, by the role they started in */
  primary: OwnRedis
  replica: OwnRedis
  sentinels: SentinelAddress[]
  topology: RedisTopology
  /** the port the sentinels name as primary now (asked of the first sentinel that answers) */
  primaryPort (): Promise<number | undefined>
  /** what each sentinel and data node says now, for a failed wait's diagnosis */
  describe (): Promise<string>
}

/**
 * One primary, one replica (both AOF, fsync always) and three sentinels (quorum 2), each on a free port with its
 * own dir, all started here and killed at teardown. The sentinels call the primary down after 1 s, so a failover
 * takes a few seconds. Fails (does not skip) when redis-sentinel is missing: `.ci/run` installs it.
 */
export async function startSentinelRig (t: Test, dir: string): Promise<SentinelRig> {
  requireSentinelBinary()
  mkdirSync(join(dir, 'primary'), { recursive: true })
  mkdirSync(join(dir, 'replica'), { recursive: true })
  const primary = await ownRedis(t, join(dir, 'primary'))
  const replica = await ownRedis(t, join(dir, 'replica'), { replicaOf: primary.port })
  const sentinels = await Promise.all([0, 1, 2].map(async i => ownSentinel(t, join(dir, `sentinel-${i}`), primary.port)))
  const rig: SentinelRig = {
    primary, replica, sentinels,
    topology: { kind: 'sentinel', sentinels, name: PRIMARY_NAME },
    primaryPort: async () => {
      for (const s of sentinels) {
        const addr = await ask(s, r => r.call('SENTINEL', 'get-master-addr-by-name', PRIMARY_NAME)) as [string, string] | null | undefined
        if (addr) return Number(addr[1])
      }
      return undefined
    },
    describe: async () => {
      const flat = (reply: unknown): string => Array.isArray(reply) ? reply.map(flat).join(' ') : String(reply)
      const views = await Promise.all(sentinels.map(async s => `sentinel ${s.port}: ` + (await ask(s, async r =>
        `master [${flat(await r.call('SENTINEL', 'master', PRIMARY_NAME))}] replicas [${flat(await r.call('SENTINEL', 'replicas', PRIMARY_NAME))}]`) ?? 'no answer')))
      const nodes = await Promise.all([primary, replica].map(async n => `node ${n.port}: ` + ((await ask(n.url, async r => await r.info('replication')))?.replace(/\r?\n/g, ' ') ?? 'no answer')))
      return [...views, ...nodes].join('\n')
    }
  }
  // a failover needs the sentinels to know each other (a majority elects the leader) and the replica to promote
  await eventually(async () => {
    const views = await Promise.all(sentinels.map(async s => ask(s, async r => ({
      others: (await r.call('SENTINEL', 'sentinels', PRIMARY_NAME) as unknown[]).length,
      replicas: (await r.call('SENTINEL', 'replicas', PRIMARY_NAME) as unknown[]).length
    }))))
    return views.every(v => v !== undefined && v.others === 2 && v.replicas === 1)
  }, 30_000, 'sentinels see each other and the replica')
  await eventually(async () => (await replicaLink(replica.url)) === 'up', 15_000, 'replica in sync')
  return rig
}

function requireSentinelBinary (): void {
  const probe = spawnSync(SENTINEL_BIN, ['--version'], { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) {
    throw new Error(`${SENTINEL_BIN} is not installed: the Sentinel tests need it (apt-get install redis-sentinel; .ci/run does this)`)
  }
}

async function ownSentinel (t: Test, dir: string, primaryPort: number): Promise<SentinelAddress> {
  mkdirSync(dir, { recursive: true })
  const port = await freePort()
  const conf = join(dir, 'sentinel.conf') // sentinels rewrite their config file, so each has its own
  writeFileSync(conf, [
    `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`,
    `sentinel monitor ${PRIMARY_NAME} 127.0.0.1 ${primaryPort} 2`,
    `sentinel down-after-milliseconds ${PRIMARY_NAME} 1000`,
    `sentinel failover-timeout ${PRIMARY_NAME} 10000`,
    `sentinel parallel-syncs ${PRIMARY_NAME} 1`
  ].join('\n') + '\n')
  const child: ChildProcess = spawn(SENTINEL_BIN, [conf], { stdio: 'ignore' })
  t.teardown(async () => {
    if (child.exitCode !== null) return
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  })
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`${SENTINEL_BIN} exited with ${child.exitCode}`)
    return answers(`redis://127.0.0.1:${port}`)
  }, 15_000, `sentinel on port ${port}`)
  return { host: '127.0.0.1', port }
}

/** One question on a short-lived connection (a sentinel or a data node); undefined when nobody answers. */
async function ask<T> (at: SentinelAddress | string, question: (r: Redis) => Promise<T>): Promise<T | undefined> {
  const options = { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null }
  const r = typeof at === 'string' ? new Redis(at, options) : new Redis({ ...at, ...options })
  r.on('error', () => {})
  try {
    await r.connect()
    return await question(r)
  } catch {
    return undefined
  } finally {
    r.disconnect()
  }
}

/** A replica's `master_link_status` (up / down), undefined when it does not answer. */
export async function replicaLink (url: string): Promise<string | undefined> {
  return ask(url, async r => /master_link_status:(\w+)/.exec(await r.info('replication'))?.[1])
}
