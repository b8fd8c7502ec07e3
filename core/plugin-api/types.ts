import type { Static, TSchema } from 'typebox'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { CxoneInboundMessage, CxoneOutboundMessage } from './cxone-types.js'

/** Bumped on any breaking change to this file; the host refuses plugins built for another major. */
export const PLUGIN_API_VERSION = 1 as const

/**
 * What a platform can do. The hub degrades for anything not declared, so a plugin never has to:
 * - attachments false: agent attachments arrive as "name: url" lines appended to the text
 * - typingIndicators false: agent typing is dropped before it reaches the transport
 * - readReceipts false: the hub never expects host.receipt() calls (messages stay "sent" in CXone)
 * - richMessages: informational for CXone today; a translator shows messageContent.fallbackText for any kind it
 *   cannot render (or throws ChannelUnsupportedError when there is none)
 * - maxTextLength: longer agent text is split into parts of at most this length, ids `<messageId>#<n>`
 * - messageStatus (since API 1.4) not true: `message-status` signals (CXone has the customer's message) are not sent
 *   to the transport
 */
export interface ChannelCapabilities {
  readonly attachments: boolean
  readonly typingIndicators: boolean
  readonly readReceipts: boolean
  readonly richMessages: ReadonlyArray<'quick-replies' | 'buttons' | 'carousel'>
  readonly maxTextLength?: number
  /** The platform shows customers that CXone has their message: `transport.signal` gets `message-status`. Since API 1.4. */
  readonly messageStatus?: boolean
}

export interface TranslateContext { readonly channelId: string }

/** Platform event -> DFO create-message bodies. Pure: no I/O, no clock, no globals. */
export interface InboundTranslator<TEvent> { toCxone (event: TEvent, ctx: TranslateContext): CxoneInboundMessage[] }
/** CXone agent message -> platform message. Pure. */
export interface OutboundTranslator<TMsg> { fromCxone (msg: CxoneOutboundMessage, ctx: TranslateContext): TMsg }

/** Conversation events that are not messages; a transport receives only those its capabilities allow. */
export type ChannelSignal =
  | { readonly type: 'typing', readonly threadId: string, readonly customerId: string, readonly on: boolean }
  | { readonly type: 'idle-warning', readonly threadId: string, readonly customerId: string, readonly endsAt: number, readonly text: string }
  | { readonly type: 'idle-cleared', readonly threadId: string, readonly customerId: string }
  | { readonly type: 'thread-closed', readonly threadId: string, readonly customerId: string, readonly reason: 'agent' | 'idle' | 'customer' }
  | { readonly type: 'message-status', readonly threadId: string, readonly customerId: string, readonly messageId: string, readonly status: 'delivered' | 'seen' }

export interface DeliveryTarget {
  readonly threadId: string
  readonly customerId: string
  readonly messageId: string
  /**
   * The message's place in its thread's timeline (`TimelineEntry.seq`), for push channels whose clients resume
   * from `threads.history` by sequence number. Parts of a split message share it. Set by hubs since API 1.4.
   */
  readonly seq?: number
}

/**
 * The only I/O toward the platform, for webhook and push channels alike. Called by the hub's durable worker: a throw
 * means "retry later", so `send` must be safe to repeat for the same messageId. Must honour `signal`. A push channel
 * (a widget's sockets) sends with `host.push`, which reaches the customer's connections on every instance.
 * `signal` gets durable signals (idle warning, idle cleared, closed: retried, in order with the thread's messages)
 * from the worker, and ephemeral ones (typing; message status with `capabilities.messageStatus`) at once, best effort.
 */
export interface ChannelTransport<TMsg> {
  send (msg: TMsg, opts: { readonly signal: AbortSignal, readonly target: DeliveryTarget }): Promise<{ readonly externalId?: string } | void>
  signal? (event: ChannelSignal, opts: { readonly signal: AbortSignal }): Promise<void>
}

/**
 * Where one connection of a customer is (a widget tab, an app session): 'present' (the chat is open and in view),
 * 'away' (still connected, but the chat is closed or the page hidden), 'gone' (the connection ended). Since API 1.2.
 */
export type PresenceState = 'present' | 'away' | 'gone'

/** A 'present' report holds this long unless repeated; repeat it while true (the watering hole does every 20 s). */
export const PRESENCE_TTL_MS = 60_000

export interface CustomerProfile {
  readonly customerId: string
  readonly name: string
  readonly avatar?: string
  /**
   * The customer's language (BCP 47, e.g. 'fr'), as the platform knows it. The hub writes its own lines to the
   * customer (the idle prompt and end line, recorded in CXone) in it, unless the channel configures those texts. Since API 1.5.
   */
  readonly locale?: string
}

export interface TimelineEntry {
  readonly messageId: string
  readonly threadId: string
  readonly seq: number
  readonly direction: 'inbound' | 'outbound'
  readonly text: string
  readonly attachments: ReadonlyArray<{ readonly friendlyName: string, readonly url: string, readonly mimeType?: string }>
  readonly authorName?: string
  readonly createdAt: number
  readonly status: string
  /** a line the hub itself wrote into the conversation (the idle prompt, the end line), not an agent's. Since API 1.2. */
  readonly system?: 'idle-warning' | 'idle-end'
}

export interface ThreadInfo {
  readonly threadId: string
  readonly customerId: string
  readonly status: 'open' | 'closed'
  readonly closedReason?: string
  readonly createdAt: number
  /** set while the idle countdown runs ("Are you still there?"): when the conversation will end */
  readonly idleEndsAt?: number
}

export interface ReceiveResult {
  readonly messages: ReadonlyArray<{ readonly messageId: string, readonly threadId: string, readonly seq: number, readonly duplicate: boolean }>
}

/** The narrow facade of the hub a plugin sees. Everything here is durable and shared across instances. */
export interface ChannelHost<TConfig, TEvent = unknown> {
  readonly channelId: string
  readonly config: Readonly<TConfig>
  readonly log: FastifyBaseLogger
  /**
   * Customer -> CXone. Translates with the plugin's inbound translator, stores durably (deduplicated by
   * idOnExternalPlatform) and queues delivery to DFO. Resolves only once stored: then the platform may get its 2xx.
   * Rejects with code BYOC_ERR_THREAD_CLOSED (409) when the thread was closed by the agent or the idle rule.
   */
  receive (event: TEvent): Promise<ReceiveResult>
  /**
   * What a webhook event goes through (docs/webhook-pipeline.md), for a plugin that serves its own route: the
   * customer upserted (`customerName`, else the id), the thread settled (`threadId`, else the customer's current
   * thread, opened when none), then as `receive`, with `threadId` filled in before `inbound.toCxone`. All of it is
   * one store step per message (one round trip on Redis), where `customers.upsert` + `threads.current` + `receive`
   * make three. Since API 1.5.
   */
  receiveCustomerEvent (event: WebhookEventOf<TEvent>): Promise<ReceiveResult>
  /** Customer typing, relayed to DFO (coalesced per thread). Also counts as activity. */
  typing (threadId: string, on: boolean): Promise<void>
  /** Customer-side receipt for an agent message: reported to DFO as message status. */
  receipt (messageId: string, status: 'delivered' | 'seen'): Promise<void>
  /** Any sign of life from the customer (focus, "I'm here"): resets the idle clock. */
  activity (threadId: string): Promise<void>
  /**
   * Optional, for platforms that know whether the customer is looking (widgets, apps). The customer is present while
   * any of their connections is, on any instance; once all are away or gone, the idle rule's clock runs (attentive
   * mode). Coming back ('present' from a connection that was not) counts as activity. A platform that never reports
   * presence is judged by answers alone: its customers are idle only when they owe the agent one. Since API 1.2.
   */
  presence? (report: { readonly customerId: string, readonly connectionId: string, readonly state: PresenceState }): Promise<void>
  customers: {
    upsert (profile: CustomerProfile): Promise<void>
    get (customerId: string): Promise<CustomerProfile | undefined>
    /**
     * Epoch ms before which tokens the plugin issued to this customer must be refused (the customer's tokens were
     * revoked, e.g. on erasure), or undefined. Since API 1.2.
     */
    tokensNotBefore (customerId: string): Promise<number | undefined>
  }
  threads: {
    /**
     * The customer's current thread, opened (with a new id) when there is none. Safe under concurrency. A customer
     * may have several open threads (an agent's direct message opens one); the current one is the open thread with
     * the latest activity, which is the conversation the platform should show.
     */
    current (customerId: string): Promise<ThreadInfo>
    /** The current thread if any (see `current`), without opening one. */
    findOpen (customerId: string): Promise<ThreadInfo | undefined>
    get (threadId: string): Promise<ThreadInfo | undefined>
    list (customerId: string): Promise<ThreadInfo[]>
    /** Timeline after a sequence number (resume after a reconnect). */
    history (threadId: string, afterSeq?: number): Promise<TimelineEntry[]>
  }
  /**
   * Remembers `key` for `ttlMs` in the hub's shared store, scoped to this channel: true the first time, false while
   * it is remembered (on any instance). For replay protection (webhook ids) and other once-only work. Since API 1.1.
   */
  remember (key: string, ttlMs: number): Promise<boolean>
  /** Uploads a file through DFO attachments; returns a URL CXone can fetch. */
  uploadAttachment (content: Buffer, mimeType: string, friendlyName: string): Promise<{ url: string }>
  /**
   * Hands `payload` (JSON-serialisable) to this customer's `subscribe` listeners on every instance, as a `pushed`
   * event: how a push channel's transport reaches whichever instance holds the customer's socket. Best effort, like
   * any pub/sub: rejects when the hub cannot publish (so a transport's throw makes the worker retry), but a
   * listener that was not connected never gets it; clients resume from `threads.history` by sequence number.
   * Since API 1.4.
   */
  push (customerId: string, payload: unknown): Promise<void>
  /**
   * Live events for this customer from every instance: what this channel's transport pushed (`host.push`). Push
   * channels use it to reach whichever instance holds the customer's socket.
   */
  subscribe (customerId: string, listener: (event: LiveEvent) => void): () => void
}

/** What this channel pushed to a customer (`host.push`). Since API 1.4. */
export interface PushedEvent { readonly type: 'pushed', readonly payload: unknown }

/**
 * What `subscribe` listeners receive. Since API 1.4 only `pushed`: agent messages and signals reach the
 * channel's transport instead, which pushes what its clients need. The earlier forms stay in the type so plugins
 * that switch on them still compile; no hub since 1.4 publishes them.
 */
export type LiveEvent =
  | PushedEvent
  | { readonly type: 'message', readonly entry: TimelineEntry }
  | ChannelSignal

/** Request headers as `verify` gets them: lower-case names, as Node parsed them. */
export type WebhookHeaders = Readonly<Record<string, string | string[] | undefined>>

/** What core reads from each event a webhook yields: who to upsert, and which thread (omitted: the current one). */
export interface WebhookCustomer {
  readonly customerId: string
  readonly customerName?: string
  /** the platform's own conversation id; omit it and the customer's current thread is used (opened when none) */
  readonly threadId?: string
}

/** An event as `toEvents` returns it: the plugin's event before core has settled its thread. */
export type WebhookEventOf<TEvent> = Omit<TEvent, 'threadId'> & WebhookCustomer

/**
 * A signed webhook whose whole pipeline core runs (docs/webhook-pipeline.md), mounted at POST /channels/<id><path>:
 * raw body -> Standard Webhooks headers and replay window -> `verify` -> JSON -> `schema` -> `toEvents` -> customer
 * upsert -> thread -> `inbound.toCxone` -> stored, deduplicated by message id -> 202. Since API 1.3.
 */
export interface ChannelWebhook<TEvent, S extends TSchema = TSchema> {
  /** relative to /channels/<id>, e.g. '/events' */
  readonly path: string
  /** TypeBox schema of the JSON body, checked after the signature; a mismatch is 422 BYOC_ERR_WEBHOOK_SCHEMA */
  readonly schema: S
  /**
   * True when the exact bytes received are signed by the platform (compare in constant time). Core has already
   * required webhook-id, webhook-timestamp and webhook-signature and checked the timestamp is within tolerance.
   */
  verify (raw: Buffer, headers: WebhookHeaders): boolean
  /**
   * The customer messages in a valid body; [] acknowledges the event without a message (202 { ignored: true }).
   * Throw a plugin error (definePluginErrors) with a 4xx statusCode for a body it cannot use.
   */
  toEvents (body: Static<S>): ReadonlyArray<WebhookEventOf<TEvent>>
  /** largest accepted difference between webhook-timestamp and now, in seconds (default 300, as Standard Webhooks) */
  readonly toleranceSeconds?: number
}

export interface ChannelRegistration<TEvent, TMsg> {
  readonly inbound: InboundTranslator<TEvent>
  readonly outbound: OutboundTranslator<TMsg>
  readonly transport: ChannelTransport<TMsg>
  /** Signed webhooks whose pipeline core owns: the way a platform that POSTs events reaches the hub. Since API 1.3. */
  readonly webhooks?: ReadonlyArray<ChannelWebhook<TEvent, any>> // intentional any: each webhook has its own body schema
  /**
   * The escape hatch: routes, websockets and static assets the plugin serves itself (push channels such as the
   * widget), mounted in the channel's own encapsulated scope /channels/<id>.
   */
  readonly routes?: (scope: FastifyInstance) => Promise<void> | void
  readonly close?: () => Promise<void>
}

export interface ChannelPlugin<C extends TSchema = TSchema, TEvent = any, TMsg = any> { // intentional any: the host stores plugins of every event type
  /** /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/ */
  readonly name: string
  readonly apiVersion: typeof PLUGIN_API_VERSION
  /** Optional semver range of the plugin API this plugin needs within its major, e.g. '^1.1.0' (see PLUGIN_API_SEMVER). */
  readonly apiRange?: string
  readonly configSchema: C
  readonly capabilities: ChannelCapabilities
  register (host: ChannelHost<Static<C>, TEvent>): ChannelRegistration<TEvent, TMsg> | Promise<ChannelRegistration<TEvent, TMsg>>
  /**
   * Checks a schema cannot express (a colour's contrast, a pair of keys), on the config after its schema passed and
   * defaults were applied. Each string is one problem, `<path>: <why>` with a JSON pointer inside the config
   * (e.g. '/theme/primaryColor: ...'); the hub refuses to start and lists them. Since API 1.5.
   */
  validateConfig? (config: Static<C>): string[]
}
