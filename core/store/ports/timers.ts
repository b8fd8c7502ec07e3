/*
 * The timers port (the idle rule's clocks): one timer per key, firing once across instances. An instance claims
 * due timers for a lease, fires them in process, then completes the claims; a claim whose instance died lapses
 * and the timer is claimed again elsewhere. The store stays the truth: a timer set or cancelled while claimed wins
 * over the claim (completing a stale claim removes nothing).
 */

export interface Timer {
  readonly key: string
  readonly kind: string
  readonly dueAt: number
  readonly payload: unknown
}

/** A timer this instance holds until `claim` (epoch ms, also the claim's token for completeTimers). */
export interface ClaimedTimer extends Timer {
  readonly claim: number
}

export interface TimerClaims {
  readonly timers: ClaimedTimer[]
  /**
   * When the next timer not claimed here falls due (or a claim lapses, where the driver knows it cheaply), as of
   * this claim; undefined when no timer waits. A hint for sleeping until then: timers set later may come sooner.
   */
  readonly nextDueAt: number | undefined
}

export interface TimersPort {
  /** Sets or replaces the timer under its key (a replaced timer loses any claim on it). */
  setTimer (timer: Timer): Promise<void>
  cancelTimer (key: string): Promise<boolean>
  getTimer (key: string): Promise<Timer | undefined>
  /**
   * Claims due timers (due at or before `now`, unclaimed or with a lapsed claim), oldest first, up to `limit`, in
   * one atomic step, each until `now + leaseMs`. However many instances call this at once, a timer is claimed by one
   * of them until its claim lapses. A claimed timer stays readable (getTimer) until completed.
   */
  claimDueTimers (now: number, limit: number, leaseMs: number): Promise<TimerClaims>
  /**
   * Removes fired timers, in one step: each only if it still holds that claim (not set again, cancelled or claimed
   * elsewhere since). Returns how many were removed.
   */
  completeTimers (claims: ReadonlyArray<Pick<ClaimedTimer, 'key' | 'claim'>>): Promise<number>
  countTimers (): Promise<number>
}
