/**
 * One breaker per upstream (CXone, each platform), per instance: closed -> open when at least `minCalls` calls in
 * the last `windowMs` failed at `failureRatio` or more; open -> half-open after a cool-down that doubles on every
 * failed probe (up to `maxOpenMs`); half-open lets one probe through and closes on its success. While open the
 * worker defers jobs without counting an attempt: accepted messages stay queued, the upstream gets probes only.
 * Per instance on purpose: a shared breaker would need a store round trip per call, and N instances probing at
 * most once per cool-down each is already a trickle.
 */
export interface BreakerOptions {
  windowMs: number
  minCalls: number
  failureRatio: number
  openMs: number
  maxOpenMs: number
  now?: () => number
}

export const DEFAULT_BREAKER: BreakerOptions = { windowMs: 10_000, minCalls: 10, failureRatio: 0.5, openMs: 2_000, maxOpenMs: 30_000 }

export type BreakerState = 'closed' | 'open' | 'half-open'

export class CircuitBreaker {
  private outcomes: Array<{ at: number, ok: boolean }> = []
  private openedAt = 0
  private cooldown: number
  private probing = false
  private probeStartedAt = 0
  state: BreakerState = 'closed'
  /** how often it opened, and how many calls it let through while not closed (probes) */
  opens = 0
  probes = 0

  constructor (private readonly opts: BreakerOptions = DEFAULT_BREAKER) { this.cooldown = opts.openMs }

  private now (): number { return (this.opts.now ?? Date.now)() }

  /** May a call go out now? In half-open, exactly one caller gets true until it reports back. */
  allow (): boolean {
    if (this.state === 'closed') return true
    if (this.state === 'open' && this.now() - this.openedAt >= this.cooldown) this.state = 'half-open'
    // a probe that never reported back (its job was aborted) must not keep the breaker shut forever
    if (this.probing && this.now() - this.probeStartedAt > this.opts.maxOpenMs) this.probing = false
    if (this.state === 'half-open' && !this.probing) { this.probing = true; this.probeStartedAt = this.now(); this.probes++; return true }
    return false
  }

  /**
   * When a deferred call should be tried again: the end of the cool-down; while a probe is out, no sooner than one
   * base cool-down from now (the end of the cool-down has passed then, and the calls it defers would come straight
   * back, claimed and deferred again and again until the probe reports).
   */
  retryAt (): number {
    if (this.state === 'closed') return this.now()
    const end = this.openedAt + this.cooldown
    return this.probing ? Math.max(end, this.now() + this.opts.openMs) : end
  }

  record (ok: boolean): void {
    const now = this.now()
    if (this.state !== 'closed') {
      if (!this.probing) return // a call that started before the breaker opened
      this.probing = false
      if (ok) { this.state = 'closed'; this.outcomes = []; this.cooldown = this.opts.openMs } else this.trip(now, Math.min(this.cooldown * 2, this.opts.maxOpenMs))
      return
    }
    this.outcomes.push({ at: now, ok })
    while (this.outcomes.length > 0 && now - this.outcomes[0]!.at > this.opts.windowMs) this.outcomes.shift()
    const failed = this.outcomes.filter(o => !o.ok).length
    if (this.outcomes.length >= this.opts.minCalls && failed / this.outcomes.length >= this.opts.failureRatio) this.trip(now, this.opts.openMs)
  }

  private trip (now: number, cooldown: number): void {
    this.state = 'open'
    this.openedAt = now
    this.cooldown = cooldown
    this.opens++
  }
}
