import { paced, saturate, type HttpRequest } from '../lib/load.js'
import { nowMs } from '../lib/probes.js'
import { json, round, type Ctx } from '../lib/context.js'
import { latency } from './auth-reply.js'

interface Arrivals { count: number, p50: number, p99: number, max: number, created: number }

/**
 * 2. Inbound relay: platform -> hub (durable store + outbox) -> DFO, which answers at once. The hub answers the
 * platform once the message is stored and queued; the baseline answers once DFO did. Throughput counts messages
 * that reached DFO (the hub's run lasts until its outbox drained); added latency compares send -> DFO arrival.
 */
export async function relay (ctx: Ctx): Promise<void> {
  const seconds = ctx.smoke ? 1 : ctx.quick ? 4 : 8
  const rate = ctx.smoke ? 100 : 1000
  const customers = 1000
  const hub = await ctx.startHub()
  const S = 'inbound relay'
  const tag = Date.now().toString(36)
  const inbound = (run: string) => (i: number): HttpRequest => ({
    method: 'POST', path: '/channels/recorder/inbound', headers: json,
    body: JSON.stringify({ customerId: `c${i % customers}`, messageId: `${tag}-${run}-${i}`, text: `t=${nowMs()};Is the river safe to drink from today? (${i})` })
  })

  // warm up: first messages open the customers' threads on both sides
  const warm = ctx.smoke ? 0.5 : 2
  await paced(hub.url, inbound('warm-h'), { rate: 500, seconds: warm })
  await paced(ctx.baseline.url, inbound('warm-b'), { rate: 500, seconds: warm })
  await drained(hub)
  await ctx.dfo.call('arrivals')

  ctx.log('relay: saturation')
  const started = Date.now()
  const hubMax = await ctx.profiled(hub, 'relay', async () => {
    const r = await saturate(hub.url, inbound('max-h'), { seconds, connections: 32 })
    await drained(hub)
    return r
  })
  const hubDelivered = await ctx.dfo.call<Arrivals>('arrivals')
  const deliveredRps = hubDelivered.created / ((Date.now() - started) / 1000)
  const baseMax = await saturate(ctx.baseline.url, inbound('max-b'), { seconds, connections: 32 })
  await ctx.dfo.call('arrivals')
  ctx.add({ scenario: S, metric: 'relay: accepted (stored + queued)', unit: 'req/s', hub: hubMax.rps, baseline: baseMax.rps, note: hubMax.failed + baseMax.failed > 0 ? `failed: hub ${hubMax.failed}, baseline ${baseMax.failed}` : 'baseline answers after DFO' })
  ctx.add({
    scenario: S, metric: 'relay: throughput to DFO (end to end)', unit: 'msg/s', hub: deliveredRps, baseline: baseMax.rps,
    note: `${hubDelivered.created} delivered in ${round((Date.now() - started) / 1000, 1)} s incl. drain`,
    target: '>= 60% of baseline', met: deliveredRps / baseMax.rps >= 0.6
  })

  ctx.log(`relay: ${rate} req/s`)
  await hub.call('lag:start')
  const hubAt = await paced(hub.url, inbound('rate-h'), { rate, seconds })
  await drained(hub)
  const hubLag = await hub.call<{ p99: number }>('lag:stop')
  const hubE2e = await ctx.dfo.call<Arrivals>('arrivals')
  await ctx.baseline.call('lag:start')
  const baseAt = await paced(ctx.baseline.url, inbound('rate-b'), { rate, seconds })
  const baseLag = await ctx.baseline.call<{ p99: number }>('lag:stop')
  const baseE2e = await ctx.dfo.call<Arrivals>('arrivals')
  latency(ctx, S, `relay: answer to platform at ${rate}/s`, hubAt, baseAt)
  ctx.rows().at(-1)!.note = `hub answers before DFO, baseline after; ${ctx.rows().at(-1)!.note}`
  ctx.add({
    scenario: S, metric: `relay: send -> DFO arrival p99 at ${rate}/s`, unit: 'ms', hub: hubE2e.p99, baseline: baseE2e.p99,
    note: `added ${(hubE2e.p99 - baseE2e.p99).toFixed(2)} ms (p50 ${hubE2e.p50.toFixed(2)} / ${baseE2e.p50.toFixed(2)})`,
    target: 'p99 < 250 ms', met: hubE2e.p99 < 250 && hubE2e.count >= hubAt.ok
  })
  ctx.add({ scenario: S, metric: `relay: event-loop lag p99 at ${rate}/s`, unit: 'ms', hub: hubLag.p99, baseline: baseLag.p99 })
}

/** Waits until the hub's outbox is empty (everything reached DFO), up to a minute. */
export async function drained (hub: { call: <T>(cmd: string) => Promise<T> }, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while ((await hub.call<{ pending: number }>('outbox')).pending > 0) {
    // say what is left: jobs still being tried (a stuck one, or only slow), or waiting out a retry backoff
    if (Date.now() > deadline) throw new Error(`hub outbox did not drain within a minute; first pending: ${JSON.stringify(await hub.call('outbox:left'))}`)
    await new Promise(r => setTimeout(r, 100))
  }
}
