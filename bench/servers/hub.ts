import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'
import { validateConfig } from '../../config/load.js'
import { buildApp } from '../../core/app.js'
import { kHub } from '../../core/symbols.js'
import type { ChannelSignal } from '../../core/plugin-api/index.js'
import { childArgs, serveCommands } from '../lib/rpc.js'
import { LagProbe, percentiles, settledMemory } from '../lib/probes.js'
import { WindowProfiler } from '../lib/profiler.js'
import Database from 'better-sqlite3'
import { CLIENT, DFO_KEY, IDENTITY_SECRET, RECORDER_CHANNEL, WH_CHANNEL } from '../lib/constants.js'

/**
 * The hub as shipped (durable SQLite store in WAL mode, or with driver 'redis' a Redis of its own; metrics on, rate
 * limits on, background worker, timers and poller), in its own process. CXone is the bench's DFO emulator reached as a live tenant over loopback.
 */
export interface HubArgs { dfoUrl: string, dir: string, idleTimeout: string, countdown: string, logLevel: string, driver?: 'sqlite' | 'redis' }
const args = childArgs<HubArgs>()
const ROOT = join(import.meta.dirname, '../..')

/**
 * The Redis driver gets a redis-server of its own (never the shared one), in the hub's directory, persisting as
 * docs/production.md advises (AOF; fsync every second, which a process crash does not lose), on a free port.
 */
async function ownRedis (dir: string): Promise<{ url: string, stop: () => void }> {
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => { const p = (probe.address() as { port: number }).port; probe.close(() => resolve(p)) }).on('error', reject)
  })
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--dir', dir], { stdio: 'ignore' })
  const url = `redis://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    probe.on('error', () => {})
    const up = await probe.connect().then(() => probe.ping()).then(p => p === 'PONG', () => false)
    probe.disconnect()
    if (up) break
    if (child.exitCode !== null || i > 150) throw new Error(`redis-server on port ${port} did not start`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return { url, stop: () => { child.kill('SIGKILL') } }
}
const redis = args.driver === 'redis' ? await ownRedis(args.dir) : undefined
process.on('exit', () => redis?.stop())

const config = validateConfig({
  // trustProxy (loopback, where the load generator is): the token route allows 60 requests a minute per client address by design; the load generator
  // presents many addresses through X-Forwarded-For so the bench measures issuance, not the limiter's 429s
  server: { host: '127.0.0.1', port: 0, trustProxy: ['127.0.0.1'], rateLimit: { max: 1_000_000_000, window: '1m' } },
  auth: { clients: [CLIENT], tokenTtl: '1h' },
  cxone: { mode: 'live', authUrl: `${args.dfoUrl}/sandbox/auth/token`, apiBaseUrl: `${args.dfoUrl}/sandbox`, accessKeyId: DFO_KEY.id, accessKeySecret: DFO_KEY.secret },
  store: redis ? { driver: 'redis', url: redis.url } : { driver: 'sqlite', path: join(args.dir, 'hub.db') },
  rules: { idle: { timeout: args.idleTimeout, countdown: args.countdown } },
  channels: [
    { id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: WH_CHANNEL, config: { identitySecret: IDENTITY_SECRET } },
    { id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: RECORDER_CHANNEL, config: { deliverUrl: `${args.dfoUrl}/platform` } }
  ],
  log: { level: args.logLevel }
})
const app = await buildApp(config, { baseDir: ROOT })
await app.listen({ host: '127.0.0.1', port: 0 })
const hub = app[kHub]
const lag = new LagProbe()
const profiler = new WindowProfiler()
// the bench's own view of the queue: a second, read-only connection counting pending jobs through the jobs_pending
// index, so polling it does not cost the hub a scan of every job it ever ran (Store.outboxStats does)
// (on Redis the store's own outboxStats: a ZCARD)
const peek = redis ? undefined : new Database(join(args.dir, 'hub.db'), { readonly: true })
const pendingJobs = peek?.prepare("SELECT COUNT(*) AS n FROM jobs WHERE state = 'pending'").pluck()

// Timer accuracy as customers see it: when the idle warning and the idle close are published, against when they
// were due (last activity + timeout; warning's endsAt). Observed by wrapping the conversation service's signal (where
// every signal starts its way to the platform), so nothing subscribes per thread.
const timeoutMs = Number.parseFloat(args.idleTimeout) * (args.idleTimeout.endsWith('ms') ? 1 : 1000)
const countdownMs = Number.parseFloat(args.countdown) * (args.countdown.endsWith('ms') ? 1 : 1000)
let watching = false
const warningLate: number[] = []
const closeLate: number[] = []
const endsAt = new Map<string, number>()
const signal = hub.conversations.signal.bind(hub.conversations)
hub.conversations.signal = async (channel, event, durable) => {
  if (watching) observe(channel.id, event, Date.now())
  return signal(channel, event, durable)
}
function observe (channelId: string, event: ChannelSignal, at: number): void {
  if (event.type === 'idle-warning') {
    const e = event as { threadId: string, endsAt: number }
    endsAt.set(e.threadId, e.endsAt)
    // the countdown starts when the warning fires: endsAt - countdown is the firing time
    void hub.store.getThread(channelId, e.threadId).then(t => { if (t) warningLate.push(e.endsAt - countdownMs - (t.lastActivityAt + timeoutMs)) })
  } else if (event.type === 'thread-closed' && (event as { reason?: string }).reason === 'idle') {
    const due = endsAt.get((event as { threadId: string }).threadId)
    if (due !== undefined) closeLate.push(at - due)
  }
}

serveCommands(hub.selfUrl(), {
  memory: () => settledMemory(),
  'lag:start': () => lag.start(),
  'lag:stop': () => lag.stop(),
  outbox: async () => ({ pending: pendingJobs ? pendingJobs.get() as number : (await hub.store.outboxStats()).pending }),
  'profile:start': () => profiler.start(),
  'profile:stop': (file: string) => profiler.stop(file),
  'timers:watch': () => { watching = true },
  'timers:report': () => ({ warning: percentiles(warningLate), close: percentiles(closeLate) }),
  stop: async () => { peek?.close(); await app.close(); redis?.stop() }
})
