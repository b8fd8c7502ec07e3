import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import Database from 'better-sqlite3'
import { Redis } from 'ioredis'
import { childArgs, serveCommands } from '../lib/rpc.js'
import { LagProbe, settledMemory } from '../lib/probes.js'
import { WindowProfiler } from '../lib/profiler.js'
import { CLIENT, DFO_KEY, IDENTITY_SECRET, RECORDER_CHANNEL, WH_CHANNEL } from '../lib/constants.js'
import type { BenchTenant } from '../lib/context.js'

/**
 * The hub as shipped (durable store, metrics on, rate limits on, background worker, timers and poller), in its own
 * process, started through the package's public API `createHub`, loaded from the built tree being measured (this
 * checkout, or the --before ref's worktree). CXone is the bench's DFO emulator reached as a live tenant over
 * loopback; the recorder channel's platform is that emulator too (it timestamps the idle signals, see dfo.ts).
 */
export interface HubArgs {
  root: string
  dfoUrl: string
  dir: string
  idleTimeout: string
  countdown: string
  idleMode?: 'attentive' | 'any-message'
  logLevel: string
  driver?: 'sqlite' | 'redis'
  redisUrl?: string
  keyPrefix?: string
  tenants?: BenchTenant[]
}
const args = childArgs<HubArgs>()
const driver = args.driver ?? 'sqlite'
const dbPath = join(args.dir, 'hub.db')
const keyPrefix = args.keyPrefix ?? 'bench:'

interface PublicHub { url: string, close: () => Promise<void> }
const { createHub } = await import(pathToFileURL(join(args.root, 'dist/core/index.js')).href) as {
  createHub: (config: Record<string, unknown>, opts: { baseDir: string }) => Promise<PublicHub>
}

const liveCxone = (dfoUrl: string): Record<string, unknown> =>
  ({ mode: 'live', authUrl: `${dfoUrl}/sandbox/auth/token`, apiBaseUrl: `${dfoUrl}/sandbox`, accessKeyId: DFO_KEY.id, accessKeySecret: DFO_KEY.secret })
// with tenants[]: no top-level clients or channels, so there is no tenant `default`; each tenant has a client of its
// own (client ids are unique across tenants) and a recorder channel whose platform is its own stand-in
const tenancy = args.tenants
  ? {
      auth: { clients: [], tokenTtl: '1h' },
      channels: [],
      tenants: args.tenants.map(t => ({
        id: t.id,
        cxone: { ...liveCxone(t.dfoUrl), ...t.cxone },
        auth: { clients: [{ clientId: `${t.id}-bench`, clientSecret: `${CLIENT.clientSecret}-${t.id}` }] },
        channels: [{ id: `${t.id}-chat`, plugin: './test/fixtures/plugins/recorder', cxoneChannelId: RECORDER_CHANNEL, config: { deliverUrl: `${t.dfoUrl}/platform` } }]
      }))
    }
  : {
      auth: { clients: [CLIENT], tokenTtl: '1h' },
      cxone: liveCxone(args.dfoUrl),
      channels: [
        { id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: WH_CHANNEL, config: { identitySecret: IDENTITY_SECRET } },
        { id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: RECORDER_CHANNEL, config: { deliverUrl: `${args.dfoUrl}/platform` } }
      ]
    }

const hub = await createHub({
  // trustProxy (loopback, where the load generator is): the token route allows 60 requests a minute per client address by design; the load generator
  // presents many addresses through X-Forwarded-For so the bench measures issuance, not the limiter's 429s
  server: { host: '127.0.0.1', port: 0, trustProxy: ['127.0.0.1'], rateLimit: { max: 1_000_000_000, window: '1m' } },
  ...tenancy,
  store: driver === 'redis' ? { driver: 'redis', url: args.redisUrl, keyPrefix } : { driver: 'sqlite', path: dbPath },
  rules: { idle: { timeout: args.idleTimeout, countdown: args.countdown, ...(args.idleMode ? { mode: args.idleMode } : {}) } },
  log: { level: args.logLevel }
}, { baseDir: args.root })
const lag = new LagProbe()
const profiler = new WindowProfiler()

// the bench's own view of the queue, so polling it costs the hub nothing: with SQLite a second, read-only
// connection counting pending jobs through the jobs_pending index; with Redis the pending set's size
// (one ZCARD on the hub's Redis, which the Redis scenarios leave out of their command counts)
let pendingJobs: () => Promise<number>
/** the pending jobs (a few), for a drain that did not finish: which kind, how often tried, due in how long, why */
let pendingLeft: () => Promise<PendingJob[]>
let closePeek: () => void
interface PendingJob { kind: string, attempts: number, dueInMs: number, lastError: string | null }
if (driver === 'redis') {
  const peek = new Redis(args.redisUrl!, { maxRetriesPerRequest: 1 })
  const P = `{${keyPrefix}}`
  pendingJobs = () => peek.zcard(`${P}jobs:pending`)
  pendingLeft = async () => {
    const ids = await peek.zrange(`${P}jobs:pending`, 0, 9)
    const jobs = await Promise.all(ids.map(id => peek.hmget(`${P}j:${id}`, 'kind', 'attempts', 'runAt', 'lastError')))
    return jobs.map(([kind, attempts, runAt, lastError]) => ({ kind: kind ?? '?', attempts: Number(attempts), dueInMs: Number(runAt) - Date.now(), lastError: lastError?.slice(0, 120) ?? null }))
  }
  closePeek = () => peek.disconnect()
} else {
  const peek = new Database(dbPath, { readonly: true })
  const count = peek.prepare("SELECT COUNT(*) AS n FROM jobs WHERE state = 'pending'").pluck()
  const left = peek.prepare("SELECT kind, attempts, run_at, substr(last_error, 1, 120) AS last_error FROM jobs WHERE state = 'pending' ORDER BY job_id LIMIT 10")
  pendingJobs = async () => count.get() as number
  pendingLeft = async () => (left.all() as Array<{ kind: string, attempts: number, run_at: number, last_error: string | null }>)
    .map(r => ({ kind: r.kind, attempts: r.attempts, dueInMs: r.run_at - Date.now(), lastError: r.last_error }))
  closePeek = () => peek.close()
}

serveCommands(hub.url, {
  memory: () => settledMemory(),
  'lag:start': () => lag.start(),
  'lag:stop': () => lag.stop(),
  outbox: async () => ({ pending: await pendingJobs() }),
  'outbox:left': () => pendingLeft(),
  'profile:start': () => profiler.start(),
  'profile:stop': (file: string) => profiler.stop(file),
  stop: async () => { closePeek(); await hub.close() }
})
