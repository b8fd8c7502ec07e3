import { paced, saturate, type HttpRequest, type LoadResult } from '../lib/load.js'
import { WidgetPool } from '../lib/widgets.js'
import { nowMs, percentiles } from '../lib/probes.js'
import { BOX, forwardedFor, json, type Ctx } from '../lib/context.js'
import { WH_CHANNEL } from '../lib/constants.js'
import { fetchToken, tokenBody } from '../lib/token.js'

/**
 * 1. CXone's calls: token issuance (M1) and an agent reply (M3) that reaches a connected widget's WebSocket.
 * Baseline: a bare Fastify route doing JSON parse + JWT sign/verify + one WebSocket send.
 */
export async function authReply (ctx: Ctx): Promise<void> {
  const seconds = ctx.smoke ? 1 : ctx.quick ? 3 : 6
  const rate = ctx.smoke ? 100 : 1000
  const widgetCount = ctx.smoke ? 20 : ctx.quick ? 100 : 500
  const hub = await ctx.startHub()
  const S = 'token + reply'

  const tokenReq = (path: string) => (i: number): HttpRequest => ({ method: 'POST', path, headers: { ...json, 'x-forwarded-for': forwardedFor(i) }, body: tokenBody })

  ctx.log('token issuance: saturation')
  const hubTokMax = await ctx.profiled(hub, 'token', () => saturate(hub.url, tokenReq(`${BOX}/1.0/token`), { seconds, connections: 32 }))
  const baseTokMax = await saturate(ctx.baseline.url, tokenReq('/1.0/token'), { seconds, connections: 32 })
  ctx.log(`token issuance: ${rate} req/s`)
  const hubTok = await paced(hub.url, tokenReq(`${BOX}/1.0/token`), { rate, seconds })
  const baseTok = await paced(ctx.baseline.url, tokenReq('/1.0/token'), { rate, seconds })
  throughput(ctx, S, 'token: throughput', hubTokMax, baseTokMax)
  latency(ctx, S, `token: latency at ${rate}/s`, hubTok, baseTok)

  ctx.log(`reply: connecting ${widgetCount} widgets to each`)
  const hubWidgets = new WidgetPool()
  const baseWidgets = new WidgetPool()
  try {
    await hubWidgets.connectMany(widgetCount, 20, n => hubWidgets.connectHub(hub.url, n))
    await baseWidgets.connectMany(widgetCount, 20, n => baseWidgets.connectBaseline(ctx.baseline.url, n))
    const hubToken = await fetchToken(`${hub.url}${BOX}/1.0/token`)
    const baseToken = await fetchToken(`${ctx.baseline.url}/1.0/token`)
    const replyReq = (path: string, bearer: string, pool: WidgetPool) => (i: number): HttpRequest => ({
      method: 'POST', path, headers: { ...json, authorization: `Bearer ${bearer}` },
      body: JSON.stringify({
        thread: { idOnExternalPlatform: pool.widgets[i % pool.widgets.length]!.threadId },
        messageContent: { type: 'TEXT', payload: { text: `t=${nowMs()};Hello from the jungle, reply ${i}` } },
        authorUser: { firstName: 'Agent', lastName: 'Smith' }
      })
    })
    const hubPath = `${BOX}/2.0/channel/${WH_CHANNEL}/outbound`
    const basePath = `/2.0/channel/${WH_CHANNEL}/outbound`
    ctx.log('reply: saturation')
    const hubRepMax = await ctx.profiled(hub, 'reply', () => saturate(hub.url, replyReq(hubPath, hubToken, hubWidgets), { seconds, connections: 32 }))
    const baseRepMax = await saturate(ctx.baseline.url, replyReq(basePath, baseToken, baseWidgets), { seconds, connections: 32 })
    await settle(hub)
    hubWidgets.takeArrivals()
    baseWidgets.takeArrivals()
    ctx.log(`reply: ${rate} req/s`)
    await hub.call('lag:start')
    const hubRep = await paced(hub.url, replyReq(hubPath, hubToken, hubWidgets), { rate, seconds })
    const hubLag = await hub.call<{ p99: number }>('lag:stop')
    await new Promise(r => setTimeout(r, 500))
    const hubWs = percentiles(hubWidgets.takeArrivals())
    await ctx.baseline.call('lag:start')
    const baseRep = await paced(ctx.baseline.url, replyReq(basePath, baseToken, baseWidgets), { rate, seconds })
    const baseLag = await ctx.baseline.call<{ p99: number }>('lag:stop')
    await new Promise(r => setTimeout(r, 500))
    const baseWs = percentiles(baseWidgets.takeArrivals())
    // the issue's own baselines for the reply: bare Fastify + @fastify/jwt, and the shape of NICE's Express sample
    ctx.log('reply: bare Fastify + @fastify/jwt and the Express shape, saturation and paced')
    const bareToken = await fetchToken(`${ctx.bare.url}/1.0/token`)
    const expressToken = await fetchToken(`${ctx.express.url}/1.0/token`)
    const plainReq = (bearer: string) => replyReq(basePath, bearer, baseWidgets)
    const bareMax = await saturate(ctx.bare.url, plainReq(bareToken), { seconds, connections: 32 })
    const expressMax = await saturate(ctx.express.url, plainReq(expressToken), { seconds, connections: 32 })
    const bareAt = await paced(ctx.bare.url, plainReq(bareToken), { rate, seconds })
    throughput(ctx, S, 'reply: throughput', hubRepMax, baseRepMax)
    throughput(ctx, S, 'reply: throughput vs bare Fastify + @fastify/jwt', hubRepMax, bareMax, { min: 0.4, text: '>= 40% of bare' })
    throughput(ctx, S, 'reply: throughput vs Express shape (Map, in memory)', hubRepMax, expressMax, { min: 1, text: 'ahead of Express' })
    latency(ctx, S, `reply: latency at ${rate}/s`, hubRep, baseRep)
    latency(ctx, S, `reply: latency at ${rate}/s vs bare Fastify + @fastify/jwt`, hubRep, bareAt)
    ctx.rows().splice(-2, 1) // the p50 against bare adds nothing to the p50 above
    ctx.add({ scenario: S, metric: `reply: agent send -> widget socket p99 at ${rate}/s`, unit: 'ms', hub: hubWs.p99, baseline: baseWs.p99, note: `${hubWs.count} / ${baseWs.count} frames` })
    ctx.add({ scenario: S, metric: `reply: event-loop lag p99 at ${rate}/s`, unit: 'ms', hub: hubLag.p99, baseline: baseLag.p99 })
  } finally {
    await hubWidgets.close()
    await baseWidgets.close()
  }
}

/** The reply path leaves platform-delivery jobs behind; let the worker finish them before the timed run. */
async function settle (hub: { call: <T>(cmd: string) => Promise<T> }): Promise<void> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline && (await hub.call<{ pending: number }>('outbox')).pending > 0) await new Promise(r => setTimeout(r, 200))
}

export function throughput (ctx: Ctx, scenario: string, metric: string, hub: LoadResult, base: LoadResult, target?: { min: number, text: string }): void {
  const ratio = hub.rps / base.rps
  ctx.add({
    scenario, metric, unit: 'req/s', hub: hub.rps, baseline: base.rps,
    ...(hub.failed + base.failed > 0 ? { note: `failed: hub ${hub.failed}, baseline ${base.failed}` } : {}),
    ...(target ? { target: target.text, met: ratio >= target.min } : {})
  })
}

/** p50/p99 at a fixed rate; the target is on the hub's own p99 (the time CXone waits for the hub). */
export function latency (ctx: Ctx, scenario: string, metric: string, hub: LoadResult, base: LoadResult): void {
  const failed = hub.failed + base.failed > 0 ? ` (failed: hub ${hub.failed}, baseline ${base.failed}: ${hub.firstFailure ?? base.firstFailure})` : ''
  ctx.add({ scenario, metric: `${metric} p50`, unit: 'ms', hub: hub.p50, baseline: base.p50 })
  ctx.add({ scenario, metric: `${metric} p99`, unit: 'ms', hub: hub.p99, baseline: base.p99, note: `added ${(hub.p99 - base.p99).toFixed(2)} ms; max ${hub.max.toFixed(0)}/${base.max.toFixed(0)} ms; achieved ${hub.rps.toFixed(0)}/${base.rps.toFixed(0)} req/s${failed}`, target: 'p99 added < 5 ms', met: hub.p99 - base.p99 < 5 && hub.failed === 0 })
}
