import type { NewJob } from './outbox.js'
import type { InboundPort } from './inbound.js'

/*
 * The conversations port: customers, their threads and each thread's messages (the timeline). Consumers that only
 * read or write conversations (the CXone routes, the plugin host, the conversation service) depend on this port.
 */

export type ThreadStatus = 'open' | 'closed'
export type Direction = 'inbound' | 'outbound'

export interface Customer {
  readonly channelId: string
  readonly customerId: string
  readonly name: string
  readonly avatar?: string
  /** the customer's language (BCP 47, e.g. "fr"), as their platform reported it: the hub's own lines use it */
  readonly locale?: string
  readonly createdAt: number
}

export interface Thread {
  /** thread.idOnExternalPlatform as DFO knows it */
  readonly threadId: string
  readonly channelId: string
  readonly customerId: string
  readonly status: ThreadStatus
  readonly closedReason?: string
  readonly createdAt: number
  readonly lastActivityAt: number
  /** DFO contact (case) number once CXone told us, used to close the contact */
  readonly contactId?: string
}

export interface Attachment {
  readonly friendlyName: string
  readonly url: string
  readonly mimeType?: string
  readonly size?: number
}

export type MessageStatus = 'accepted' | 'sent' | 'delivered' | 'seen' | 'failed'

export interface StoredMessage {
  /** idOnExternalPlatform: the key DFO and the platform dedupe on */
  readonly messageId: string
  readonly threadId: string
  readonly channelId: string
  readonly direction: Direction
  /** per-thread sequence number, gap-free, assigned by the store */
  readonly seq: number
  readonly text: string
  readonly attachments: readonly Attachment[]
  readonly authorName?: string
  readonly createdAt: number
  readonly status: MessageStatus
  /** the full DFO-side body we received or will send, kept verbatim (unknown fields preserved) */
  readonly raw?: unknown
}

export interface NewMessage extends Omit<StoredMessage, 'seq' | 'status'> {
  readonly status?: MessageStatus
}

export interface InsertMessageResult {
  readonly message: StoredMessage
  /** false when a message with the same (channelId, messageId) already existed (the stored one is returned) */
  readonly created: boolean
}

export interface ThreadFilter {
  readonly channelId?: string
  readonly customerId?: string
  readonly status?: ThreadStatus
  readonly limit?: number
}

/**
 * Thread and message ids are scoped by channel: the same id on two channels names two different threads (or
 * messages), so one platform cannot squat or reach another channel's ids. Every lookup takes the channel.
 *
 * A customer may have several open threads on a channel (an agent's direct message opens a new one); the
 * *current* thread is the open one with the latest activity (lastActivityAt; on a tie, the newest).
 */
export interface ConversationsPort extends InboundPort {
  // customers
  upsertCustomer (customer: Omit<Customer, 'createdAt'>): Promise<Customer>
  getCustomer (channelId: string, customerId: string): Promise<Customer | undefined>

  // threads
  /**
   * The customer's current open thread on a channel, created with `candidateThreadId` when there is none. Atomic
   * across instances, so two instances racing on a customer's first two messages open one thread.
   */
  openThread (channelId: string, customerId: string, candidateThreadId: string, now?: number): Promise<{ thread: Thread, created: boolean }>
  /**
   * Opens a new thread with exactly this id beside the customer's other threads (an agent's direct message), and
   * makes it current. When the id already exists on the channel, returns that thread with created false (whoever
   * its customer is: the caller checks).
   */
  startThread (channelId: string, customerId: string, threadId: string, now?: number): Promise<{ thread: Thread, created: boolean }>
  getThread (channelId: string, threadId: string): Promise<Thread | undefined>
  /** The customer's current thread on a channel: the open one with the latest activity, if any. */
  findCurrentThread (channelId: string, customerId: string): Promise<Thread | undefined>
  listThreads (filter: ThreadFilter): Promise<Thread[]>
  /** How many threads of a channel are open (cheap: an index count, for the active-conversations gauge). */
  countOpenThreads (channelId: string): Promise<number>
  /** Closes an open thread; returns true only for the caller that closed it (so side effects happen once). */
  closeThread (channelId: string, threadId: string, reason: string): Promise<boolean>
  touchThread (channelId: string, threadId: string, at: number, contactId?: string): Promise<void>

  // messages (the per-thread timeline)
  /**
   * Inserts unless (channelId, messageId) exists. A platform retry returns the first copy.
   * `job` is enqueued in the same atomic step (outbox pattern), and re-offered (dedupeKey) on a repeat, so a
   * crash between storing and enqueueing cannot strand a message. This is why a driver implements this port and
   * the outbox over one connection: the message and its job commit together or not at all.
   */
  insertMessage (message: NewMessage, job?: NewJob): Promise<InsertMessageResult>
  getMessage (channelId: string, messageId: string): Promise<StoredMessage | undefined>
  listMessages (channelId: string, threadId: string, afterSeq?: number, limit?: number): Promise<StoredMessage[]>
  /** Moves status forward only (accepted < sent < delivered < seen); 'failed' from any but seen. */
  setMessageStatus (channelId: string, messageId: string, status: MessageStatus): Promise<boolean>
}
