/*
 * A burst of idle timers on one hub, without the HTTP path in front: `--timers` conversations (12,500, the scale
 * scenario's count) whose idle warnings fall due evenly within `--spread` ms, then a 5 s countdown each. Prints
 * warning and close lateness (p50/p99/max) per store driver, and the machine's load average, which on a shared
 * 2-core box decides most of the figure; and the hub's CPU time per conversation, which it barely moves. For when
 * the full scale scenario cannot run (its opening and widgets go through the hub's pressure guard, which refuses
 * work on an overloaded machine).
 *
 *   npm run build && TS_NODE_TRANSPILE_ONLY=1 node --import=@isaacs/ts-node-temp-fork-for-pr-2009/import \
 *     bench/timer-burst.ts [--timers=12500] [--spread=6000] [--drivers=sqlite,redis]
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Redis } from 'ioredis'
import { validateConfig } from '../config/load.js'
import { buildApp } from '../core/app.js'
import { kHub } from '../core/symbols.js'
import { idleKey } from '../core/conversations/idle-rule.js'
import { percentiles } from './lib/probes.js'
import { startChild } from './lib/rpc.js'
import { CLIENT, DFO_CHANNELS, DFO_KEY, IDENTITY_SECRET, WH_CHANNEL } from './lib/constants.js'

const { values } = parseArgs({ options: { timers: { type: 'string', default: '12500' }, spread: { type: 'string', default: '6000' }, drivers: { type: 'string', default: 'sqlite,redis' } } })
const N = Number(values.timers)
const SPREAD = Number(values.spread)
const COUNTDOWN = 5000
const LEAD = 20_000 // the first warning falls due this long after the first timer is set (setting 12,500 takes seconds)
const ROOT = join(import.meta.dirname, '..')

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

// CXone: the bench's DFO emulator in a process of its own (as in npm run bench), so its work is not the hub's
const dfo = await startChild('dfo', { channels: DFO_CHANNELS })

async function burst (driver: 'sqlite' | 'redis'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'byoc-timer-burst-'))
  const redis = driver === 'redis' ? await ownRedis(dir) : undefined
  try {
    const config = validateConfig({
      server: { host: '127.0.0.1', port: 0 },
      auth: { clients: [CLIENT], tokenTtl: '1h' },
      cxone: { mode: 'live', authUrl: `${dfo.url}/sandbox/auth/token`, apiBaseUrl: `${dfo.url}/sandbox`, accessKeyId: DFO_KEY.id, accessKeySecret: DFO_KEY.secret },
      store: redis ? { driver: 'redis', url: redis.url } : { driver: 'sqlite', path: join(dir, 'hub.db') },
      rules: { idle: { timeout: '2m', countdown: `${COUNTDOWN}ms` } },
      channels: [{ id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: WH_CHANNEL, config: { identitySecret: IDENTITY_SECRET } }],
      log: { level: 'warn' }
    })
    const app = await buildApp(config, { baseDir: ROOT })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const hub = app[kHub]
    // ids of this run's own: CXone (one emulator for every driver) still holds the previous driver's threads, archived
    // by their idle close; the same ids again had DFO refuse the warning lines (thread closed) and the hub close the
    // conversations as CXone asked ('agent'), and the status poller's sweep close a batch of 50 before their warning
    const ids = `${driver}-${Math.random().toString(36).slice(2, 6)}-`
    const otherCloses = new Map<string, number>()
    const dueAt = new Map<string, number>()
    const warningLate: number[] = []
    const closeLate: number[] = []
    const endsAt = new Map<string, number>()
    const closed = new Set<string>()
    const signal = hub.conversations.signal.bind(hub.conversations)
    hub.conversations.signal = async (channel, event, durable, dedupeKey) => {
      const e = event as { type: string, threadId: string, endsAt?: number, reason?: string }
      // count each conversation once (a firing that failed midway runs again; its signal is deduped in the outbox)
      if (e.type === 'idle-warning' && e.endsAt !== undefined && !endsAt.has(e.threadId)) {
        endsAt.set(e.threadId, e.endsAt)
        warningLate.push(e.endsAt - COUNTDOWN - dueAt.get(e.threadId)!)
      } else if (e.type === 'thread-closed' && e.reason === 'idle' && !closed.has(e.threadId)) {
        closed.add(e.threadId)
        closeLate.push(Date.now() - endsAt.get(e.threadId)!)
      } else if (e.type === 'thread-closed') {
        otherCloses.set(e.reason ?? '?', (otherCloses.get(e.reason ?? '?') ?? 0) + 1)
      }
      return signal(channel, event, durable, dedupeKey)
    }
    // the conversations, then their timers (what the idle rule's arm writes), due evenly within SPREAD
    for (let i = 0; i < N; i++) {
      await hub.store.upsertCustomer({ channelId: 'watering-hole', customerId: `${ids}c-${i}`, name: `c-${i}` })
      await hub.store.startThread('watering-hole', `${ids}c-${i}`, `${ids}th-${i}`)
    }
    const setAt = Date.now()
    const first = setAt + LEAD
    for (let i = 0; i < N; i++) {
      const due = first + Math.floor(i * SPREAD / N)
      dueAt.set(`${ids}th-${i}`, due)
      await hub.store.setTimer({ key: idleKey('watering-hole', `${ids}th-${i}`), kind: 'idle-warning', dueAt: due, payload: { channelId: 'watering-hole', threadId: `${ids}th-${i}`, setAt } })
    }
    if (Date.now() > first) throw new Error(`setting ${N} timers took past the first due time; raise LEAD`)
    const load = loadavg()[0]!.toFixed(1)
    // the hub's CPU time (this process; CXone is a child of its own) from the burst's start to the last close, and
    // on to the outbox drained: unlike lateness, barely moved by other work on a shared machine
    const cpuFrom = process.cpuUsage()
    const deadline = first + SPREAD + COUNTDOWN + 120_000
    while (closeLate.length < N && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 250))
    const cpuFiring = process.cpuUsage(cpuFrom)
    // the prompt and end lines still go to CXone: let them, so closing cuts nothing short. Asked through the pending
    // index: outboxStats reads every job (60,000 after a burst), and its polling was most of this phase's CPU time
    while ((await hub.store.listJobs({ state: 'pending', limit: 1 })).length > 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 250))
    const cpuDrained = process.cpuUsage(cpuFrom)
    await app.close()
    const cpuMs = (u: NodeJS.CpuUsage): string => `${Math.round((u.user + u.system) / 1000)} ms (${Math.round((u.user + u.system) / N)} µs a conversation)`
    const w = percentiles(warningLate)
    const c = percentiles(closeLate)
    return `${driver.padEnd(6)}  warnings ${w.count}/${N} p50 ${w.p50} p99 ${w.p99} max ${w.max} ms;  closes ${c.count}/${N} p50 ${c.p50} p99 ${c.p99} max ${c.max} ms;  hub CPU to the last close ${cpuMs(cpuFiring)}, to the outbox drained ${cpuMs(cpuDrained)};  load average ${load} -> ${loadavg()[0]!.toFixed(1)}${otherCloses.size > 0 ? `;  other closes ${JSON.stringify(Object.fromEntries(otherCloses))}` : ''}`
  } finally {
    redis?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

try {
  for (const driver of values.drivers!.split(',') as Array<'sqlite' | 'redis'>) console.log(await burst(driver))
} finally {
  await dfo.stop()
}
