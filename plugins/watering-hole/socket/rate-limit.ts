/** Fixed-window counter per socket: a misbehaving tab cannot flood the hub (frames are cheap, DFO calls are not). */
export class FrameBudget {
  private windowStart = 0
  private used = 0
  constructor (private readonly max: number, private readonly windowMs: number, private readonly now: () => number = Date.now) {}

  take (): boolean {
    const t = this.now()
    if (t - this.windowStart >= this.windowMs) { this.windowStart = t; this.used = 0 }
    this.used++
    return this.used <= this.max
  }
}
