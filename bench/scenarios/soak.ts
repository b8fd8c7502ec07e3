import { Pool } from 'undici'
import { json, round, type Ctx } from '../lib/context.js'
import { drained } from './relay.js'

interface Mem { heapUsed: number, rss: number, external: number }

/** Least-squares slope of [minutes, MB] points, in MB per minute. */
export function slope (points: Array<[number, number]>): number {
  const n = points.length
  if (n < 2) return NaN
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0)
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0)
  return sxx === 0 ? NaN : sxy / sxx
}

/**
 * 6. Memory, L-5 style: 100 messages/s for the whole run, each conversation three messages 200 ms apart, then silent
 * until the idle rule (any-message, 2 s + 400 ms countdown) ends it. The hub's RSS and heap after a full GC are
 * sampled; the first third is warm-up, and the slope of the rest (least squares, MB per minute) is the figure: flat
 * is what the issue asks.
 */
export async function soak (ctx: Ctx): Promise<void> {
  const S = 'memory soak (L-5 style)'
  const seconds = ctx.smoke ? 6 : ctx.quick ? 45 : 100
  const sampleMs = ctx.smoke ? 1000 : ctx.quick ? 2500 : 5000
  const hub = await ctx.startHub({ idleTimeout: '2s', countdown: '400ms', idleMode: 'any-message' })
  const pool = new Pool(hub.url, { connections: 16 })
  const tag = Date.now().toString(36)
  const rss: Array<[number, number]> = []
  const heap: Array<[number, number]> = []
  let failed = 0
  let sent = 0
  const started = Date.now()
  let sampling = true
  const sampler = (async () => {
    while (sampling) {
      const m = await hub.call<Mem>('memory')
      const min = (Date.now() - started) / 60_000
      rss.push([min, m.rss / 2 ** 20])
      heap.push([min, m.heapUsed / 2 ** 20])
      await new Promise(r => setTimeout(r, sampleMs))
    }
  })()
  const conversation = async (conv: number): Promise<void> => {
    for (let k = 0; k < 3; k++) {
      const res = await pool.request({ method: 'POST', path: '/channels/recorder/inbound', headers: json, body: JSON.stringify({ customerId: `soak-${tag}-${conv}`, messageId: `soak-${tag}-${conv}-${k}`, text: `still thirsty ${k}` }) })
      await res.body.dump()
      sent++
      if (res.statusCode !== 202) failed++
      await new Promise(r => setTimeout(r, 200))
    }
  }
  const inflight: Array<Promise<void>> = []
  for (let conv = 0; Date.now() - started < seconds * 1000; conv++) {
    const wait = started + conv * 30 - Date.now()
    if (wait > 0) await new Promise(r => setTimeout(r, wait))
    inflight.push(conversation(conv).catch(() => { failed++ }))
  }
  await Promise.all(inflight)
  sampling = false
  await sampler
  await pool.close()
  await drained(hub)
  await hub.stop()

  const after = (points: Array<[number, number]>): Array<[number, number]> => points.filter(([min]) => min >= seconds / 3 / 60)
  const rssSlope = slope(after(rss))
  const heapSlope = slope(after(heap))
  const span = (points: Array<[number, number]>): string => points.length ? `${round(points[0]![1], 1)} -> ${round(points.at(-1)![1], 1)} MB` : 'no samples'
  const common = `${sent} messages in ${seconds} s, failed ${failed}; ${after(rss).length} samples after a ${round(seconds / 3, 0)} s warm-up`
  ctx.add({ scenario: S, metric: 'RSS slope after warm-up', unit: 'MB/min', hub: rssSlope, note: `${span(after(rss))}; ${common}`, target: '<= 1 MB/min (flat)', met: rssSlope <= 1 && failed === 0 })
  ctx.add({ scenario: S, metric: 'heap after GC slope after warm-up', unit: 'MB/min', hub: heapSlope, note: `${span(after(heap))}`, target: '<= 0.5 MB/min (flat)', met: heapSlope <= 0.5 && failed === 0 })
}
