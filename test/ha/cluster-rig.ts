import type { Test } from 'tap'
import { eventually } from '../helper.js'
import { startFakePlatform } from '../fake-platform.js'
import { redisUrl } from '../store/redis-server.js'
import { CHANNELS, startCluster, type Cluster } from './cluster.js'
import { startCountingSandbox } from './counting-sandbox.js'
import { ownRedis, type OwnRedis } from './own-redis.js'
import { sandboxMessages } from './traffic.js'
import { testDir } from '../test-dir.js'

export interface ClusterRig {
  dir: string
  redisUrl: string
  /** set when the test asked for a Redis of its own (to kill and restart it) */
  redis?: OwnRedis
  platform: Awaited<ReturnType<typeof startFakePlatform>>
  sandbox: Awaited<ReturnType<typeof startCountingSandbox>>
  cluster: Cluster
}

/**
 * n hub processes on one Redis (the shared one under a key prefix of their own, or a redis-server of the test's own),
 * the counting CXone sandbox reaching them round robin, and the fake platform.
 */
export async function startClusterRig (t: Test, opts: { n: number, ownRedis: true }): Promise<ClusterRig & { redis: OwnRedis }>
export async function startClusterRig (t: Test, opts: { n: number, ownRedis?: false }): Promise<ClusterRig>
export async function startClusterRig (t: Test, opts: { n: number, ownRedis?: boolean }): Promise<ClusterRig> {
  const dir = testDir(t, { redis: {} })
  const redis = opts.ownRedis ? await ownRedis(t, `${dir}/redis`) : undefined
  const platform = await startFakePlatform(t)
  let cluster: Cluster | undefined
  const sandbox = await startCountingSandbox(t, dir, { channels: CHANNELS, target: () => cluster!.next().url })
  const url = redis?.url ?? await redisUrl()
  cluster = await startCluster(t, { n: opts.n, redisUrl: url, sandboxUrl: sandbox.url, deliverUrl: platform.url, dir })
  return { dir, redisUrl: url, ...(redis ? { redis } : {}), platform, sandbox, cluster }
}

/** The idle rule's prompt and end line reach CXone once each per thread, the end line last. */
export async function expectIdleLinesOnce (t: Test, sandboxUrl: string, threads: readonly string[]): Promise<void> {
  const lines = await eventually(async () => {
    const all = (await sandboxMessages(sandboxUrl, 'chat_recorder-idle')).filter(m => m.id.startsWith('sys:'))
    return all.length >= 2 * threads.length && all
  }, 15_000, 'idle lines in the sandbox')
  for (const threadId of threads) {
    t.same(lines.filter(m => m.threadId === threadId).map(m => m.id.split(':')[1]), ['idle-warning', 'idle-end'], `${threadId}: prompt and end line in CXone, once each`)
  }
}
