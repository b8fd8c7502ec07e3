import type { InsertMessageResult, NewMessage, Thread } from './conversations.js'
import type { NewJob } from './outbox.js'
import type { Timer } from './timers.js'

/*
 * The inbound step: everything one customer message changes, as one atomic store operation (one SQLite transaction,
 * one Redis script), so a message costs one commit and, on Redis, one round trip (issue 17). The conversation
 * service decides *what* to change (which thread rule, which timers, which jobs); the driver only applies it and
 * checks the thread rules against the data it holds at that instant.
 */

/**
 * How the step finds the message's thread.
 * - `named`: the platform named the thread. An existing thread must be the customer's; a closed one refuses the
 *   message (THREAD_CLOSED) unless this message is already stored in it (a retry) or the agent closed it and
 *   `blockAfterAgentClose` is off. A new id becomes the customer's thread when they have no open one; when they
 *   have one, the step changes nothing and answers `supersede` (the caller closes the old one the long way).
 * - `current`: the customer's current open thread, which must be `threadId` (the caller's guess); with no open
 *   thread, `threadId` is opened. Another current thread, or `threadId` taken, answers `elsewhere`.
 */
export type InboundThreadRule = 'named' | 'current'

/** The idle rule's clock on a customer message (IdleRule.customerMessage), applied when the thread is open. */
export interface InboundIdle {
  /** the countdown ("Are you still there?") this message withdraws */
  readonly countdownKey: string
  /** enqueued when a countdown was withdrawn: the platform hears the prompt is gone */
  readonly clearedSignal: NewJob
  /** the idle warning timer: set when the clock runs, cancelled (by its key) when it does not */
  readonly warning: Timer
  /**
   * When the clock runs: `always` (any-message mode), or `away` (attentive mode): only while the customer is away
   * by their presence documents in `presenceCollection` (some, and none 'present' with `until` after `now`).
   */
  readonly runs: 'always' | 'away'
  readonly presenceCollection: string
}

export interface InboundStep {
  readonly channelId: string
  readonly customerId: string
  /** upserted in the step when given (name and avatar replace the stored ones) */
  readonly customer?: { readonly name: string, readonly avatar?: string }
  readonly threadId: string
  readonly rule: InboundThreadRule
  readonly blockAfterAgentClose: boolean
  /** channelId, threadId and messageId as above */
  readonly message: NewMessage
  /** enqueued with the message (and re-offered on a repeat: its dedupeKey keeps it single) */
  readonly job: NewJob
  /** the thread's activity moves to `now` when the message is new */
  readonly now: number
  /** the idle clock; omitted when the idle rule is off for the channel */
  readonly idle?: InboundIdle
}

export type InboundOutcome =
  | (InsertMessageResult & { readonly outcome: 'stored', readonly thread: Thread, /** a countdown was withdrawn */ readonly countdownCleared: boolean })
  | { readonly outcome: 'refused', readonly code: 'THREAD_CLOSED' | 'THREAD_UNKNOWN' }
  /** rule `current`: the customer's current thread is another one (or none, and `threadId` is taken) */
  | { readonly outcome: 'elsewhere', readonly current?: Thread }
  /** rule `named`: a new thread id while the customer has `current` open */
  | { readonly outcome: 'supersede', readonly current: Thread }

export interface InboundPort {
  /** Applies one inbound step atomically (see InboundStep); nothing is written unless the outcome is `stored`. */
  storeInbound (step: InboundStep): Promise<InboundOutcome>
}
