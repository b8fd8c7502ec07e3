/**
 * Bearer headers that passed full verification (signature with the kid's key, HS256 only, issuer, audience, expiry,
 * required claims, current client generation), remembered so the next request with the very same header skips the
 * decode, key lookup and HMAC. Keyed by the exact header string, so only what was verified can hit. An entry lasts
 * until the token's own `exp` (the clock tolerance not added: a token inside its grace period is verified in full
 * again) and never longer than `maxAgeMs`, so anything a verification would newly refuse is refused within that.
 * Failures are never remembered: a wrong token costs what it always did, and is counted.
 */
export class VerifiedTokens<U extends { exp?: unknown }> {
  private readonly entries = new Map<string, { user: U, until: number }>()

  constructor (private readonly maxEntries = 10_000, private readonly maxAgeMs = 60_000, private readonly now: () => number = Date.now) {}

  /** The verified claims for this exact header, if it was verified and has not expired since. */
  get (header: string): U | undefined {
    const entry = this.entries.get(header)
    if (entry === undefined) return undefined
    if (this.now() < entry.until) return entry.user
    this.entries.delete(header)
    return undefined
  }

  /** After a full verification passed: `user` is the token's payload, `exp` in seconds as JWT has it. */
  remember (header: string, user: U): void {
    if (typeof user.exp !== 'number') return // no expiry to honour: verify it every time
    const now = this.now()
    const until = Math.min(user.exp * 1000, now + this.maxAgeMs)
    if (until <= now) return
    // bounded: the oldest entry goes first (a Map iterates in insertion order)
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
    this.entries.set(header, { user: Object.freeze(user), until })
  }

  get size (): number { return this.entries.size }
}
