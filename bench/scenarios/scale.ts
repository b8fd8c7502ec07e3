import { sendAll, type HttpRequest } from '../lib/load.js'
import { WidgetPool, type Widget } from '../lib/widgets.js'
import { json, round, type Ctx } from '../lib/context.js'
import { nowMs, type LagStats } from '../lib/probes.js'
import { startRedis } from '../lib/redis-server.js'
import { drained } from './relay.js'

interface Mem { heapUsed: number, rss: number, external: number }
interface Late { count: number, p50: number, p99: number, max: number }
interface TimerReport { warning: Late, close: Late }

/**
 * 3. Conversations at scale: N open conversations (recorder channel, each with its idle timer in the store) and W
 * connected widgets (each with a conversation of its own). Memory per conversation and per widget, then every
 * idle timer fires (warning, countdown, close): lateness p99 and event-loop lag while they do.
 * Baseline: a Map entry and two setTimeouts per conversation, a bare socket per widget.
 */
type Side = { before: Mem, afterConvs: Mem, afterWidgets: Mem, openLag: LagStats, fireLag: LagStats, report: TimerReport, expected: number, openedS: number }
let baselineSide: { key: string, result: Side } | undefined

export async function scale (ctx: Ctx, driver: 'sqlite' | 'redis' = 'sqlite'): Promise<void> {
  const conversations = ctx.smoke ? 100 : ctx.quick ? 1000 : 10_000
  const widgets = ctx.smoke ? 20 : ctx.quick ? 200 : 2000
  const timeoutS = ctx.smoke ? 4 : ctx.quick ? 15 : 30
  const countdownS = ctx.smoke ? 1 : 5
  const S = driver === 'sqlite' ? 'conversations at scale' : 'conversations at scale (Redis)'
  const redis = driver === 'redis' ? await startRedis() : undefined
  // any-message: each conversation's clock starts with its last message (attentive, the default, waits for the agent
  // to speak or the customer to leave, and the recorder platform has no agent and reports no presence), as in L-5
  const hub = await ctx.startHub({ idleTimeout: `${timeoutS}s`, countdown: `${countdownS}s`, idleMode: 'any-message', driver, ...(redis ? { redisUrl: redis.url } : {}) })
  const inbound = (i: number): HttpRequest => ({
    method: 'POST', path: '/channels/recorder/inbound', headers: json,
    // t=: the send time, from which the CXone emulator (the recorder's platform too) measures idle-signal lateness
    body: JSON.stringify({ customerId: `scale-${i}`, messageId: `scale-${i}-first`, text: `t=${nowMs()};Hello from customer ${i}` })
  })

  // the hub's idle signals are timed where the platform receives them (servers/dfo.ts): the recorder conversations'
  // (the widgets' conversations fall due in the same window, their signals go to the widgets' sockets, not counted)
  const side = async (name: 'hub' | 'baseline', url: string, call: <T>(cmd: string, a?: unknown) => Promise<T>, connect: (pool: WidgetPool, n: number) => Promise<Widget>, timers: <T>(cmd: string, a?: unknown) => Promise<T>, countWidgets: boolean): Promise<Side> => {
    // warm up first (JIT, heap spaces, SQLite cache, connections), so the memory delta is what conversations retain
    const warm = Math.min(500, conversations / 10)
    // watching from before the warm-up: those conversations' timers fall due with the rest and are counted
    await timers('timers:watch', { timeoutMs: timeoutS * 1000, countdownMs: countdownS * 1000 })
    await sendAll(url, warm, 32, i => inbound(conversations + i))
    ctx.log(`scale (${name}): opening ${conversations} conversations`)
    const before = await call<Mem>('memory')
    await call('lag:start')
    const opened = await sendAll(url, conversations, 32, inbound)
    if (name === 'hub') await drained(hub)
    const afterConvs = await call<Mem>('memory')
    ctx.log(`scale (${name}): ${conversations} opened in ${opened.seconds.toFixed(1)} s; connecting ${widgets} widgets`)
    const pool = new WidgetPool()
    try {
      await pool.connectMany(widgets, 25, n => connect(pool, n))
      const afterWidgets = await call<Mem>('memory')
      const openLag = await call<LagStats>('lag:stop')
      await call('lag:start')
      const deadline = Date.now() + (timeoutS + countdownS) * 1000 + 120_000
      const expected = conversations + warm + (countWidgets ? widgets : 0)
      ctx.log(`scale (${name}): waiting for ${expected} idle warnings and closes`)
      let report = await timers<TimerReport>('timers:report')
      while (report.close.count < expected && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 500))
        report = await timers<TimerReport>('timers:report')
      }
      const fireLag = await call<LagStats>('lag:stop')
      return { before, afterConvs, afterWidgets, openLag, fireLag, report, expected, openedS: opened.seconds }
    } finally {
      await pool.close()
    }
  }

  const h = await side('hub', hub.url, hub.call, (pool, n) => pool.connectHub(hub.url, n), ctx.dfo.call, false)
    .finally(async () => { await hub.stop(); await redis?.stop() })
  // the baseline's side takes as long as the hub's (every timer must fall due): measured once per run and size
  const sizeKey = `${conversations}/${widgets}/${timeoutS}`
  if (baselineSide?.key !== sizeKey) {
    await ctx.baseline.call('idle:set', { timeoutMs: timeoutS * 1000, countdownMs: countdownS * 1000 })
    baselineSide = { key: sizeKey, result: await side('baseline', ctx.baseline.url, ctx.baseline.call, (pool, n) => pool.connectBaseline(ctx.baseline.url, n), ctx.baseline.call, true) }
    await ctx.baseline.call('idle:set', null)
  }
  const b = baselineSide.result

  const perConv = (m: { before: Mem, afterConvs: Mem }, k: keyof Mem): number => (m.afterConvs[k] - m.before[k]) / conversations / 1024
  const perWidget = (m: { afterConvs: Mem, afterWidgets: Mem }, k: keyof Mem): number => (m.afterWidgets[k] - m.afterConvs[k]) / widgets / 1024
  const hubConvKb = Math.max(perConv(h, 'rss'), perConv(h, 'heapUsed') + perConv(h, 'external'))
  ctx.add({
    scenario: S, metric: `memory per open conversation (${conversations})`, unit: 'KB', hub: hubConvKb, baseline: Math.max(perConv(b, 'rss'), perConv(b, 'heapUsed')),
    note: `heap ${round(perConv(h, 'heapUsed'))} KB, RSS ${round(perConv(h, 'rss'))} KB; opened at ${round(conversations / h.openedS, 0)}/s`,
    target: '< 20 KB', met: hubConvKb < 20
  })
  ctx.add({ scenario: S, metric: `memory per connected widget (${widgets})`, unit: 'KB', hub: Math.max(perWidget(h, 'rss'), perWidget(h, 'heapUsed')), baseline: Math.max(perWidget(b, 'rss'), perWidget(b, 'heapUsed')), note: `heap ${round(perWidget(h, 'heapUsed'))} KB (incl. its conversation)` })
  const all = conversations + widgets + Math.min(500, conversations / 10)
  const timersMet = (l: Late): boolean => l.p99 < 1000 && l.count >= h.expected
  ctx.add({ scenario: S, metric: `idle warning lateness p99 (${all} timers due, ${driver})`, unit: 'ms', hub: h.report.warning.p99, baseline: b.report.warning.p99, note: `at the platform: ${h.report.warning.count}/${h.expected} recorder conversations warned; max ${round(h.report.warning.max)} ms`, target: 'p99 < 1 s', met: timersMet(h.report.warning) })
  ctx.add({ scenario: S, metric: `idle close lateness p99 (${all} timers due, ${driver})`, unit: 'ms', hub: h.report.close.p99, baseline: b.report.close.p99, note: `at the platform: ${h.report.close.count}/${h.expected} closed; max ${round(h.report.close.max)} ms`, target: 'p99 < 1 s', met: timersMet(h.report.close) })
  ctx.add({ scenario: S, metric: 'event-loop lag p99 while opening', unit: 'ms', hub: h.openLag.p99, baseline: b.openLag.p99, note: `max ${round(h.openLag.max)} ms` })
  ctx.add({ scenario: S, metric: 'event-loop lag p99 while timers fire', unit: 'ms', hub: h.fireLag.p99, baseline: b.fireLag.p99, note: `max ${round(h.fireLag.max)} ms` })
}
