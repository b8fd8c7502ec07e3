import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { paced, type HttpRequest, type LoadResult } from '../lib/load.js'
import { nowMs } from '../lib/probes.js'
import { startChild, type Child } from '../lib/rpc.js'
import { json, round, type Ctx } from '../lib/context.js'
import { DFO_CHANNELS } from '../lib/constants.js'
import { drained } from './relay.js'
import { setLatency } from './slow-cxone.js'

interface Arrivals { count: number, p50: number, p99: number, max: number, created: number, distinct: number }
interface Phase { globex: LoadResult, acme: LoadResult, arrived: Arrivals }

const TIMEOUT_MS = 1000
const HANG_MS = 3000
const TARGET = 'within 10 % or 5 ms of acme up'

/**
 * 8. Tenants (issue 19: "one tenant's CXone down leaves the other's latency unchanged"): one hub, tenants acme and
 * globex, each live against a CXone stand-in of its own (a servers/dfo.ts process each). Paced load to globex's
 * channel, light load to acme's, in three phases: acme up (the same run's reference), acme hanging (its stand-in
 * answers after 3 s, past the tenant's 1 s cxone.timeout) and acme down (its stand-in stops listening: connection
 * refused). Globex's send -> DFO arrival is timed at globex's stand-in, as the relay rows time it. Then acme comes
 * back and every message it accepted must reach it. A tree without tenants[] (the default before, 9e025ae) has no
 * such hub: the scenario adds nothing there, and the table says n/a.
 */
export async function tenants (ctx: Ctx): Promise<void> {
  if (!existsSync(join(ctx.tree.root, 'dist/config/tenants.js'))) {
    ctx.log(`tenants: n/a on ${ctx.tree.commit} (no tenants[] support)`)
    return
  }
  const S = 'tenants: acme\'s CXone fails, globex measured'
  const seconds = ctx.smoke ? 1 : ctx.quick ? 4 : 10
  const globexRate = ctx.smoke ? 30 : 300
  const acmeRate = ctx.smoke ? 3 : 20
  const tag = Date.now().toString(36)
  const stands: Child[] = []
  try {
    const acmeCx = await startChild('dfo', { channels: DFO_CHANNELS })
    stands.push(acmeCx)
    const globexCx = await startChild('dfo', { channels: DFO_CHANNELS })
    stands.push(globexCx)
    // both tenants alike: a 1 s call timeout, and retries enough to outlast the down phase rather than dead-letter
    const cxone = { timeout: `${TIMEOUT_MS}ms`, retries: 20, retryBase: '100ms', retryMax: '2s' }
    const hub = await ctx.startHub({ tenants: [{ id: 'acme', dfoUrl: acmeCx.url, cxone }, { id: 'globex', dfoUrl: globexCx.url, cxone }] })

    const inbound = (tenant: string, run: string, customers: number) => (i: number): HttpRequest => ({
      method: 'POST', path: `/channels/${tenant}-chat/inbound`, headers: json,
      body: JSON.stringify({ customerId: `${tenant}-${i % customers}`, messageId: `${tag}-${run}-${i}`, text: `t=${nowMs()};${tag}-${run}-${i}` })
    })
    // warm up at the phases' rates: tokens from both stand-ins, the customers' threads, and a hub past its first
    // seconds under this load, so acme-up (the reference, measured first) is not the hub's warm-up
    const warm = ctx.smoke ? 0.5 : ctx.quick ? 3 : 5
    await Promise.all([
      paced(hub.url, inbound('globex', 'warm', 200), { rate: globexRate, seconds: warm }),
      paced(hub.url, inbound('acme', 'warm', 20), { rate: acmeRate, seconds: warm })
    ])
    await drained(hub)
    await globexCx.call('arrivals')
    await acmeCx.call('arrivals')

    let acmeAccepted = 0
    const phase = async (name: string): Promise<Phase> => {
      ctx.log(`tenants: ${name}: globex ${globexRate}/s, acme ${acmeRate}/s for ${seconds} s`)
      const [globex, acme] = await Promise.all([
        paced(hub.url, inbound('globex', name, 200), { rate: globexRate, seconds }),
        paced(hub.url, inbound('acme', name, 20), { rate: acmeRate, seconds })
      ])
      acmeAccepted += acme.ok
      // acme's jobs may stay queued (its CXone is away): wait on globex's arrivals, not on the whole outbox
      await arrivedAll(globexCx, globex.ok, 60_000)
      return { globex, acme, arrived: await globexCx.call<Arrivals>('arrivals') }
    }

    const up = await phase('acme-up')
    await setLatency(acmeCx, HANG_MS)
    let hanging: Phase
    try {
      hanging = await phase('acme-hanging')
    } finally {
      await setLatency(acmeCx, 0)
    }
    await acmeCx.call('down')
    let down: Phase
    try {
      down = await phase('acme-down')
    } finally {
      await acmeCx.call('up')
    }
    // acme is back: everything it accepted (in every phase) must reach it; the breaker's cool-down may take a while
    const backAt = Date.now()
    await drained(hub, 120_000)
    const backS = (Date.now() - backAt) / 1000
    const acmeAt = await acmeCx.call<Arrivals>('arrivals')

    const within = (p: number, ref: number): boolean => p <= ref * 1.1 || p - ref <= 5
    const all = (p: Phase): boolean => p.arrived.distinct >= p.globex.ok && p.globex.failed === 0
    const compare = (label: string, p: Phase): void => ctx.add({
      scenario: S, metric: `globex send -> DFO p99, acme ${label} vs acme up`, unit: 'ms', hub: p.arrived.p99, baseline: up.arrived.p99,
      note: `baseline column: acme up, same run; p50 ${round(p.arrived.p50)} / ${round(up.arrived.p50)} ms; globex ${p.arrived.distinct}/${p.globex.ok} arrived (${p.globex.failed} refused); answer p99 ${round(p.globex.p99)} / ${round(up.globex.p99)} ms`,
      target: TARGET, met: within(p.arrived.p99, up.arrived.p99) && all(p)
    })
    compare('hanging', hanging)
    compare('down', down)
    const sent = [up, hanging, down].reduce((n, p) => n + p.globex.ok, 0)
    const got = [up, hanging, down].reduce((n, p) => n + p.arrived.distinct, 0)
    ctx.add({
      scenario: S, metric: 'globex messages at its CXone (3 phases)', unit: 'msgs', hub: got,
      note: `${sent} accepted at ${globexRate}/s; acme up p99 ${round(up.arrived.p99)} ms, max ${round(up.arrived.max)} ms`,
      target: 'every accepted one', met: got >= sent
    })
    ctx.add({
      scenario: S, metric: 'acme messages at its CXone once back', unit: 'msgs', hub: acmeAt.distinct,
      note: `${acmeAccepted} accepted at ${acmeRate}/s over the 3 phases (${up.acme.failed + hanging.acme.failed + down.acme.failed} refused); outbox drained ${round(backS, 1)} s after acme came back; ${acmeAt.created} calls incl. repeats of timed-out ones`,
      target: 'every accepted one', met: acmeAt.distinct >= acmeAccepted
    })
  } finally {
    for (const s of stands) await s.stop()
  }
}

/** Waits until `cx` saw `n` distinct messages since its last `arrivals`. */
async function arrivedAll (cx: Child, n: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while ((await cx.call<{ distinct: number }>('arrivals:count')).distinct < n) {
    if (Date.now() > deadline) throw new Error(`globex's CXone did not receive ${n} messages within ${timeoutMs / 1000} s`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}
