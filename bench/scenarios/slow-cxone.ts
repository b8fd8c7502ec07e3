import { request } from 'undici'
import { paced, type HttpRequest, type LoadResult } from '../lib/load.js'
import { WidgetPool } from '../lib/widgets.js'
import { nowMs, type LagStats } from '../lib/probes.js'
import { BOX, forwardedFor, json, round, type Ctx } from '../lib/context.js'
import { CONSOLE_TOKEN, WH_CHANNEL } from '../lib/constants.js'
import { fetchToken, tokenBody } from '../lib/token.js'
import { drained } from './relay.js'

const BUDGET_MS = 500
const LATENCY_MS = 300

/**
 * 4. CXone slow (every DFO call +300 ms, still under its 500 ms budget): platform messages, agent replies and
 * token requests keep coming. No hub response may exceed the budget, and the outbox must not grow without end.
 * With the default delivery.concurrency (16) the hub delivers at most 16 / 0.3 s ≈ 53 messages/s to such a
 * CXone, so inbound runs at 40/s; the baseline, which waits for CXone inside every request, gets the same load.
 */
export async function slowCxone (ctx: Ctx): Promise<void> {
  const seconds = ctx.smoke ? 2 : ctx.quick ? 8 : 20
  const inboundRate = 40
  const replyRate = ctx.quick ? 100 : 200
  const tokenRate = 5
  const S = 'slow CXone (+300 ms)'
  const hub = await ctx.startHub()
  const hubWidgets = new WidgetPool()
  const baseWidgets = new WidgetPool()
  await setLatency(ctx.dfo, LATENCY_MS)
  try {
    await hubWidgets.connectMany(50, 10, n => hubWidgets.connectHub(hub.url, n))
    await baseWidgets.connectMany(50, 10, n => baseWidgets.connectBaseline(ctx.baseline.url, n))
    await drained(hub)
    const tag = Date.now().toString(36)
    const hubToken = await fetchToken(`${hub.url}${BOX}/1.0/token`)
    const baseToken = await fetchToken(`${ctx.baseline.url}/1.0/token`)

    const mix = async (url: string, box: string, token: string, pool: WidgetPool, depth?: () => Promise<number>) => {
      const inbound = (i: number): HttpRequest => ({
        method: 'POST', path: '/channels/recorder/inbound', headers: json,
        body: JSON.stringify({ customerId: `slow-${i % 200}`, messageId: `${tag}-${box}-${i}`, text: `t=${nowMs()};Anyone there? (${i})` })
      })
      const reply = (i: number): HttpRequest => ({
        method: 'POST', path: `${box}/2.0/channel/${WH_CHANNEL}/outbound`, headers: { ...json, authorization: `Bearer ${token}` },
        body: JSON.stringify({ thread: { idOnExternalPlatform: pool.widgets[i % pool.widgets.length]!.threadId }, messageContent: { type: 'TEXT', payload: { text: `t=${nowMs()};Yes, we are here (${i})` } } })
      })
      const tokens = (i: number): HttpRequest => ({ method: 'POST', path: `${box}/1.0/token`, headers: { ...json, 'x-forwarded-for': forwardedFor(1_000_000 + i) }, body: tokenBody })
      const depths: number[] = []
      let sampling = depth !== undefined
      const sampler = (async () => {
        while (sampling) {
          depths.push(await depth!())
          await new Promise(r => setTimeout(r, 250))
        }
      })()
      const results = await Promise.all([
        paced(url, inbound, { rate: inboundRate, seconds }),
        paced(url, reply, { rate: replyRate, seconds }),
        paced(url, tokens, { rate: tokenRate, seconds })
      ])
      sampling = false
      await sampler
      return { results, depths }
    }

    ctx.log(`slow CXone: ${seconds} s of inbound ${inboundRate}/s + replies ${replyRate}/s + tokens ${tokenRate}/s`)
    await hub.call('lag:start')
    const h = await mix(hub.url, BOX, hubToken, hubWidgets, async () => (await hub.call<{ pending: number }>('outbox')).pending)
    const hubLag = await hub.call<LagStats>('lag:stop')
    const drainStart = Date.now()
    await drained(hub, 120_000)
    const drainS = (Date.now() - drainStart) / 1000
    await ctx.baseline.call('lag:start')
    const b = await mix(ctx.baseline.url, '', baseToken, baseWidgets)
    const baseLag = await ctx.baseline.call<LagStats>('lag:stop')

    const worst = (rs: LoadResult[]): number => Math.max(...rs.map(r => r.max))
    const failed = (rs: LoadResult[]): number => rs.reduce((n, r) => n + r.failed, 0)
    const names = ['inbound', 'reply', 'token']
    ctx.add({
      scenario: S, metric: 'slowest response (all routes)', unit: 'ms', hub: worst(h.results), baseline: worst(b.results),
      note: `p99 ${names.map((n, i) => `${n} ${round(h.results[i]!.p99)}/${round(b.results[i]!.p99)}`).join(', ')}; failed ${failed(h.results)}/${failed(b.results)}`,
      target: `none over ${BUDGET_MS} ms`, met: worst(h.results) < BUDGET_MS && failed(h.results) === 0
    })
    ctx.add({ scenario: S, metric: 'event-loop lag p99', unit: 'ms', hub: hubLag.p99, baseline: baseLag.p99, note: `max ${round(hubLag.max)}/${round(baseLag.max)} ms` })
    const third = Math.max(1, Math.floor(h.depths.length / 3))
    const mean = (xs: number[]): number => xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length)
    const middle = mean(h.depths.slice(third, 2 * third))
    const last = mean(h.depths.slice(2 * third))
    const maxDepth = Math.max(0, ...h.depths)
    // bounded: not growing between the middle and the last third, and near rate x latency (Little's law)
    const bounded = last <= middle * 1.25 + 5
    ctx.add({
      scenario: S, metric: 'outbox depth (max)', unit: 'jobs', hub: maxDepth,
      note: `mean middle third ${round(middle, 1)}, last third ${round(last, 1)}; drained ${round(drainS, 1)} s after load; baseline has no queue (waits inline)`,
      target: 'bounded', met: bounded
    })
  } finally {
    await setLatency(ctx.dfo, 0)
    await hubWidgets.close()
    await baseWidgets.close()
  }
}

/** Every DFO call of this CXone stand-in (a servers/dfo.ts process) answers `latencyMs` late from now on. */
export async function setLatency (dfo: { url: string }, latencyMs: number): Promise<void> {
  const res = await request(`${dfo.url}/sandbox/_faults`, { method: 'PUT', headers: { ...json, authorization: `Bearer ${CONSOLE_TOKEN}` }, body: JSON.stringify({ latencyMs }) })
  await res.body.dump()
  if (res.statusCode !== 200) throw new Error(`faults: ${res.statusCode}`)
}
