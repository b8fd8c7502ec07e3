/*
 * The timers port (the idle rule's clocks): one timer per key, firing once across instances. Firing goes through
 * the outbox, in the same atomic step that removes the timer, so a driver implements it over the outbox's
 * connection.
 */

export interface Timer {
  readonly key: string
  readonly kind: string
  readonly dueAt: number
  readonly payload: unknown
}

export interface TimersPort {
  /** Sets or replaces the timer under its key. */
  setTimer (timer: Timer): Promise<void>
  cancelTimer (key: string): Promise<boolean>
  getTimer (key: string): Promise<Timer | undefined>
  /**
   * Moves due timers (oldest first, up to `limit`) into the outbox in one atomic step, as jobs of kind 'timer.fire'
   * (orderKey `timer:<key>`, payload `{ key, timer: { kind, dueAt, payload } }`). Firing then has the outbox's lease
   * and crash recovery: an instance killed while firing leaves a job that runs again elsewhere. Returns how many
   * moved; each timer moves once, however many instances call this at once.
   */
  moveDueTimersToJobs (now: number, limit: number): Promise<number>
  countTimers (): Promise<number>
}
