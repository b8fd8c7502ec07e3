import { request } from 'undici'
import { performance } from 'node:perf_hooks'
import { paced, type HttpRequest } from '../lib/load.js'
import { nowMs, percentiles } from '../lib/probes.js'
import { json, round, type Ctx } from '../lib/context.js'
import { startRedis } from '../lib/redis-server.js'
import { startFaultProxy } from '../../test/reliability/harness/fault-proxy.js'
import { drained } from './relay.js'

/** the bench's own calls on the hub's Redis (the stats client, the hub harness's pending-jobs peek) */
const OURS = new Set(['info', 'config', 'zcard', 'ping', 'client', 'hello', 'select'])
const LUA = new Set(['evalsha', 'eval', 'evalsha_ro', 'eval_ro', 'fcall', 'fcall_ro'])
const RTT_MS = 100

/**
 * 5. The Redis driver's round trips, on a Redis the bench starts itself (so INFO commandstats count nothing else):
 * - round trips per inbound message end to end (the request and the delivery job it queues): the commands clients
 *   send, counted with MONITOR, leaving out those scripts run inside Redis (issue 17's "one Lua call" is a round
 *   trip); the hub's idle background (timer poll, worker, leases) measured just before and subtracted; Lua calls
 *   counted apart, and the commands Redis ran in all (INFO commandstats) in the note;
 * - the inbound answer with Redis 100 ms away (a TCP proxy adding 50 ms each way, as F-7 does): every round trip the
 *   request makes, rate limiting included, shows as 100 ms of answer time.
 */
export async function redisTrips (ctx: Ctx): Promise<void> {
  const S = 'Redis driver'
  const messages = ctx.smoke ? 50 : ctx.quick ? 500 : 2000
  const customers = 50
  const tag = Date.now().toString(36)
  const redis = await startRedis()
  try {
    const hub = await ctx.startHub({ driver: 'redis', redisUrl: redis.url })
    const inbound = (run: string) => (i: number): HttpRequest => ({
      method: 'POST', path: '/channels/recorder/inbound', headers: json,
      body: JSON.stringify({ customerId: `r${i % customers}`, messageId: `${tag}-${run}-${i}`, text: `t=${nowMs()};Any water left at the hole? (${i})` })
    })
    // warm up: every customer's thread exists, the scripts are loaded, CXone's token is cached
    await paced(hub.url, inbound('warm'), { rate: 100, seconds: ctx.smoke ? 1 : 2 })
    await drained(hub)
    await ctx.dfo.call('arrivals')

    const tally = (calls: Record<string, number>): { all: number, lua: number } => {
      let all = 0
      let lua = 0
      for (const [name, n] of Object.entries(calls)) {
        if (OURS.has(name)) continue
        all += n
        if (LUA.has(name)) lua += n
      }
      return { all, lua }
    }
    // round trips (MONITOR, what clients send) and commands Redis ran (INFO commandstats, scripts' insides included)
    const counted = async (stopCounting: () => Promise<Record<string, number>>): Promise<{ trips: { all: number, lua: number }, ran: number }> =>
      ({ trips: tally(await stopCounting()), ran: tally(await redis.commandCalls()).all })
    // the idle background: what the hub sends with nothing to do, per second
    const idleSeconds = ctx.smoke ? 1 : 3
    await redis.resetStats()
    let stopCounting = await redis.countRoundTrips()
    await new Promise(r => setTimeout(r, idleSeconds * 1000))
    const idle = await counted(stopCounting)
    // the measured window: `messages` inbound at a rate the hub takes easily, until CXone received every one
    await redis.resetStats()
    stopCounting = await redis.countRoundTrips()
    const t0 = performance.now()
    const sent = await paced(hub.url, inbound('count'), { rate: 200, seconds: messages / 200 })
    let arrived = 0
    const deadline = Date.now() + 60_000
    while (arrived < sent.ok && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 100))
      arrived += (await ctx.dfo.call<{ created: number }>('arrivals')).created
    }
    const window = (performance.now() - t0) / 1000
    const busy = await counted(stopCounting)
    const background = (n: number): number => n * window / idleSeconds
    const perMessage = (busy.trips.all - background(idle.trips.all)) / sent.ok
    const luaPerMessage = (busy.trips.lua - background(idle.trips.lua)) / sent.ok
    const ranPerMessage = (busy.ran - background(idle.ran)) / sent.ok
    ctx.add({
      scenario: S, metric: 'Redis round trips per inbound message (request + its delivery job)', unit: 'calls', hub: perMessage,
      note: `of them Lua calls ${round(luaPerMessage)}; commands Redis ran (scripts' insides included) ${round(ranPerMessage, 1)}; ${sent.ok} sent, ${arrived} reached CXone in ${round(window, 1)} s; idle background ${round(idle.trips.all / idleSeconds, 1)} trips/s subtracted; failed ${sent.failed}`,
      target: '<= 2 (1 inbound + 1 delivery, 5% slack)', met: perMessage <= 2.1 && arrived >= sent.ok && sent.failed === 0
    })
    await hub.stop()

    // Redis 100 ms away
    const proxy = await startFaultProxy({ port: redis.port })
    try {
      const far = await ctx.startHub({ driver: 'redis', redisUrl: `redis://127.0.0.1:${proxy.port}`, keyPrefix: 'bench-far:' })
      const post = async (i: number, run: string): Promise<number> => {
        const r = inbound(run)(i)
        const started = performance.now()
        const res = await request(`${far.url}${r.path}`, { method: 'POST', headers: r.headers, body: r.body! })
        await res.body.dump()
        if (res.statusCode !== 202) throw new Error(`inbound with a slow Redis: ${res.statusCode}`)
        return performance.now() - started
      }
      for (let i = 0; i < customers; i++) await post(i, 'far-warm')
      proxy.set({ latencyMs: RTT_MS / 2 })
      const times: number[] = []
      const n = ctx.smoke ? 5 : ctx.quick ? 20 : 50
      for (let i = 0; i < n; i++) times.push(await post(i, 'far'))
      proxy.set({})
      const p = percentiles(times)
      ctx.add({
        scenario: S, metric: `inbound answer with Redis ${RTT_MS} ms away, p99`, unit: 'ms', hub: p.p99,
        note: `${n} messages one at a time to open threads; p50 ${round(p.p50, 0)} ms ≈ ${round(p.p50 / RTT_MS, 1)} round trips; max ${round(p.max, 0)} ms`,
        target: 'p99 < 300 ms', met: p.p99 < 300
      })
      await far.stop()
    } finally {
      await proxy.close()
    }
  } finally {
    await redis.stop()
  }
}
