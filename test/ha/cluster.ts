import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import type { Test } from 'tap'
import type { RedisTopology } from '../../core/store/redis-connect.js'
import { RedisStore } from '../../core/store/redis.js'
import { CLIENT, ROOT } from '../helper.js'
import { freePort, spawnHub, writeHubConfig, type HubProcess } from '../process/spawn-hub.js'

export const CHANNELS = [
  { id: 'chat_recorder', name: 'Recorder' },
  { id: 'chat_recorder-idle', name: 'Recorder (idle)' },
  { id: 'chat_watering-hole', name: 'The Watering Hole' }
]
// the idle clock of the recorder-idle channel: long enough that a test's posts (and a kill) finish before it is due
// on a loaded box
export const IDLE = { timeoutMs: 6000, countdownMs: 1000 }

/** Several hub processes (the built CLI) on one Redis, under a key prefix of the test's own. */
export interface Cluster {
  prefix: string
  hubs: HubProcess[]
  /** the test's own view of the shared store */
  store: RedisStore
  alive (): HubProcess[]
  /** round robin over the live instances, like a load balancer */
  next (): HubProcess
  kill (i: number): Promise<void>
}

/** Where the hubs' store lives: one node (redisUrl), or Sentinel or Cluster (`topology`, a test's own rig: no cleanup). */
export interface ClusterStore { redisUrl: string, topology?: RedisTopology, ackReplicas?: number }

export async function startCluster (t: Test, opts: ClusterStore & { n: number, sandboxUrl: string, deliverUrl: string, dir: string }): Promise<Cluster> {
  const prefix = `byoc-ha-${randomBytes(4).toString('hex')}:`
  const ports = await Promise.all(Array.from({ length: opts.n }, () => freePort()))
  const hubs: HubProcess[] = []
  const dead = new Set<number>()
  const store = await RedisStore.connect(opts.topology ?? opts.redisUrl, prefix)
  store.setConnectionLog({ warn: () => {}, info: () => {} }) // the test's own view: Redis outages are the point
  t.teardown(async () => {
    await Promise.all(hubs.filter(Boolean).map(h => h.kill()))
    await store.close()
    // a test's own Sentinel or Cluster rig goes away with its processes; the shared Redis needs its keys removed
    if (!opts.topology) await deletePrefix(opts.redisUrl, prefix)
  })
  // each kept as soon as it listens, so teardown kills it even when a sibling fails to start
  await Promise.all(ports.map(async (port, i) => { hubs[i] = await spawnHub(writeHubConfig(opts.dir, `hub-${i}`, hubConfig(port, prefix, opts)), port) }))
  let turn = 0
  const alive = (): HubProcess[] => hubs.filter((_, i) => !dead.has(i))
  return {
    prefix, hubs, store, alive,
    next: () => { const live = alive(); return live[turn++ % live.length] },
    kill: async (i) => { dead.add(i); await hubs[i].kill('SIGKILL') }
  }
}

export function hubConfig (port: number, prefix: string, opts: ClusterStore & { sandboxUrl: string, deliverUrl: string }): Record<string, unknown> {
  const recorder = join(ROOT, 'test/fixtures/plugins/recorder')
  return {
    server: { host: '127.0.0.1', port },
    auth: { clients: [CLIENT] },
    cxone: {
      mode: 'live', authUrl: `${opts.sandboxUrl}/auth/token`, apiBaseUrl: opts.sandboxUrl, accessKeyId: 'ak', accessKeySecret: 'as',
      retries: 20, retryBase: '50ms', retryMax: '500ms', timeout: '5s'
    },
    // a short lease: a killed instance's claimed jobs run elsewhere within seconds
    delivery: { lease: '2s', pollInterval: '100ms' },
    store: { driver: 'redis', keyPrefix: prefix, ackReplicas: opts.ackReplicas ?? 0, ...storeAddress(opts) },
    rules: { idle: { enabled: false } },
    log: { level: 'warn' },
    channels: [
      { id: 'recorder', plugin: recorder, cxoneChannelId: 'chat_recorder', config: { deliverUrl: opts.deliverUrl } },
      {
        id: 'recorder-idle', plugin: recorder, cxoneChannelId: 'chat_recorder-idle', config: { deliverUrl: opts.deliverUrl },
        // any-message: the customer's own message starts the clock on the instance that took it (the default,
        // attentive, starts it only when the agent speaks or the customer is away, which the recorder never reports)
        rules: { idle: { enabled: true, mode: 'any-message', timeout: `${IDLE.timeoutMs}ms`, countdown: `${IDLE.countdownMs}ms` } }
      },
      { id: 'watering-hole', plugin: join(ROOT, 'plugins/watering-hole'), cxoneChannelId: 'chat_watering-hole', config: { identitySecret: 'ha-identity-secret-0123456789abcdef' } }
    ]
  }
}

function storeAddress (opts: ClusterStore): Record<string, unknown> {
  const topology = opts.topology ?? { kind: 'standalone', url: opts.redisUrl }
  switch (topology.kind) {
    case 'standalone': return { url: topology.url }
    case 'sentinel': return { sentinels: topology.sentinels, name: topology.name }
    case 'cluster': return { cluster: topology.urls }
  }
}

/** Removes every key a test wrote (SCAN, not KEYS, so a shared Redis is not blocked). */
export async function deletePrefix (url: string, prefix: string): Promise<void> {
  // a test's own Redis may already be gone at teardown: then there is nothing to clean
  const redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null })
  redis.on('error', () => {})
  try {
    let cursor = '0'
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000)
      cursor = nextCursor
      if (keys.length) await redis.unlink(...keys)
    } while (cursor !== '0')
  } catch (err) {
    if (redis.status !== 'end') throw err
  } finally {
    redis.disconnect()
  }
}
