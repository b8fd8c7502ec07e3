import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks'

/** Epoch milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
export const nowMs = (): number => performance.timeOrigin + performance.now()

export interface LagStats { p50: number, p99: number, max: number }

/** Event-loop delay of this process between start() and stop(), in ms. */
export class LagProbe {
  private h: IntervalHistogram | undefined
  start (): void {
    this.h?.disable()
    this.h = monitorEventLoopDelay({ resolution: 5 })
    this.h.enable()
  }

  stop (): LagStats {
    const h = this.h
    if (!h) return { p50: 0, p99: 0, max: 0 }
    h.disable()
    this.h = undefined
    // the histogram includes the sampling resolution itself; subtract it so an idle loop reads ~0
    const ms = (ns: number): number => Math.max(0, ns / 1e6 - 5)
    return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) }
  }
}

/** Heap and RSS after a full collection (children run with --expose-gc). */
export async function settledMemory (): Promise<{ heapUsed: number, rss: number, external: number }> {
  const gc = (globalThis as { gc?: () => void }).gc
  for (let i = 0; i < 3; i++) {
    gc?.()
    await new Promise(r => setTimeout(r, 50))
  }
  const m = process.memoryUsage()
  return { heapUsed: m.heapUsed, rss: m.rss, external: m.external + m.arrayBuffers }
}

/** Percentiles of a list of numbers (nearest rank). */
export function percentiles (values: number[]): { count: number, p50: number, p99: number, max: number } {
  if (values.length === 0) return { count: 0, p50: 0, p99: 0, max: 0 }
  const s = [...values].sort((a, b) => a - b)
  const at = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p / 100 * s.length) - 1))]!
  return { count: s.length, p50: at(50), p99: at(99), max: s[s.length - 1]! }
}
