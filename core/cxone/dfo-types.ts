import type { CxoneInboundMessage } from '../plugin-api/cxone-types.js'
import type { CxoneFailureCode } from '../errors.js'

/**
 * Calls the hub makes to CXone Digital Experience (DFO), §3.3 of the contract. Every method:
 * - goes to {apiBaseUrl}/dfo/3.0/..., with a bearer token from the token client (a fresh token once on 401),
 * - retries network errors, 5xx and 429 (honouring Retry-After) with exponential backoff and jitter, up to
 *   `attempts` (default 1 when called from a durable job, which does its own retrying), never other 4xx,
 * - aborts on `signal` and after the configured timeout,
 * - throws DfoError with a stable code parsed from DFO's error envelope.
 */
export interface DfoClient {
  createMessage (channelId: string, body: CxoneInboundMessage, opts?: CallOptions): Promise<CreateMessageResult>
  senderAction (channelId: string, threadId: string, action: 'isTypingOn' | 'isTypingOff', opts?: CallOptions): Promise<void>
  updateMessageStatus (channelId: string, messageId: string, status: 'delivered' | 'seen' | 'failed', updatedAt: string, opts?: CallOptions): Promise<void>
  updateThread (channelId: string, threadId: string, body: { canAddMoreMessages: boolean }, opts?: CallOptions): Promise<void>
  updateContactStatus (contactId: string, status: ContactStatus, opts?: CallOptions): Promise<void>
  searchThreads (query: { channelId?: string, threadIds?: string[] }, opts?: CallOptions): Promise<DfoThread[]>
  /** C19: one page of cases; pass the answer's scrollToken (with the same query) for the next page */
  searchContacts (query: ContactSearchQuery, opts?: CallOptions): Promise<ContactPage>
  /** C20: one case by its contact number */
  getContact (contactId: string, opts?: CallOptions): Promise<DfoContact>
  listChannels (opts?: CallOptions & { accessToken?: string, apiBaseUrl?: string }): Promise<DfoChannel[]>
  createChannel (channel: NewDfoChannel, opts?: CallOptions & { accessToken?: string, apiBaseUrl?: string }): Promise<DfoChannel>
  deleteChannel (channelId: string, opts?: CallOptions & { accessToken?: string, apiBaseUrl?: string }): Promise<void>
  verifyOneTimeToken (body: { brandId: number, userId: number, token: string, purpose: 'channel-integration' }, opts?: CallOptions & { apiBaseUrl?: string }): Promise<{ brand: Record<string, unknown>, user: Record<string, unknown>, accessToken: string }>
  uploadTemporaryAttachment (content: string, mimeType: string, opts?: CallOptions): Promise<{ id: string, url: string, expireAt?: string }>
  putCustomFieldDefinition (def: { ident: string, label: string, type: 'text' | 'email' | 'list', values?: unknown[] }, opts?: CallOptions): Promise<void>
}

export interface CallOptions {
  readonly signal?: AbortSignal
  /** total attempts including the first; jobs pass 1 and retry durably instead */
  readonly attempts?: number
  /** carried as X-Request-Id so a CXone call can be matched to the request that caused it */
  readonly requestId?: string
}

export interface CreateMessageResult {
  readonly consumerContact?: { readonly id?: string | number, [k: string]: unknown }
  readonly message?: { readonly id?: string, readonly idOnExternalPlatform?: string, [k: string]: unknown }
}

export interface DfoThread {
  readonly id?: string
  readonly idOnExternalPlatform: string
  readonly channelId?: string
  readonly canAddMoreMessages?: boolean
  readonly [k: string]: unknown
}

export type ContactStatus = 'closed' | 'resolved' | 'open' | 'pending' | 'escalated' | 'new' | 'trashed'
/** the statuses in which a case is over: the agent (or CXone) ended the conversation */
export const FINAL_CONTACT_STATUSES: readonly ContactStatus[] = ['closed', 'resolved', 'trashed']

/** A DFO contact (case), the fields the hub reads; the rest is kept as sent. */
export interface DfoContact {
  readonly id: string
  readonly status?: string
  /** ISO-8601 */
  readonly statusUpdatedAt?: string
  readonly createdAt?: string
  readonly channelId?: string
  readonly threadId?: string
  readonly threadIdOnExternalPlatform?: string
  readonly authorEndUserIdentity?: { readonly idOnExternalPlatform?: string, readonly [k: string]: unknown }
  readonly [k: string]: unknown
}

export interface ContactSearchQuery {
  readonly channelIds?: readonly string[]
  readonly statuses?: readonly ContactStatus[]
  readonly endUserIds?: readonly string[]
  /** not in CXone's published schema; the names NICE's own agent code sends (see docs/cxone-contract.md, C19) */
  readonly sorting?: 'createdAt' | 'statusUpdatedAt'
  readonly sortingType?: 'asc' | 'desc'
  readonly scrollToken?: string
}

export interface ContactPage {
  readonly contacts: DfoContact[]
  readonly hits?: number
  /** absent on the last page */
  readonly scrollToken?: string
}

export interface DfoChannel {
  readonly id: string
  readonly idOnExternalPlatform?: string
  readonly channelIntegrationId?: string
  readonly name?: string
  readonly [k: string]: unknown
}

export interface NewDfoChannel {
  readonly id: string
  readonly idOnExternalPlatform: string
  readonly channelIntegrationId: string
  readonly realExternalPlatformId: string
  readonly name: string
  readonly isPrivate: boolean
  readonly hasTreeStructure: boolean
  readonly [k: string]: unknown
}

/** Codes the rest of the hub acts on: the CXone rows of the error table (core/errors.ts CxoneFailureCodes). */
export type DfoErrorCode = CxoneFailureCode

export class DfoError extends Error {
  constructor (
    readonly code: DfoErrorCode,
    message: string,
    readonly details: { readonly status?: number, readonly retryAfterMs?: number, readonly dfoErrorCode?: string, readonly body?: unknown } = {},
    options?: { cause?: unknown }
  ) { super(message, options) }

  /** network errors, timeouts, 5xx and 429 are worth another try; other 4xx are not */
  get retryable (): boolean {
    return this.code === 'BYOC_ERR_CXONE_RATE_LIMITED' || this.code === 'BYOC_ERR_CXONE_UNAVAILABLE' ||
      this.code === 'BYOC_ERR_CXONE_TIMEOUT' || this.code === 'BYOC_ERR_CXONE_NETWORK' || this.code === 'BYOC_ERR_CXONE_DISCOVERY'
  }
}

/** Gets and caches the hub's CXone access token (§3.1). */
export interface CxoneTokenSource {
  /** a cached token, refreshed before expiry; one refresh in flight at a time */
  get (opts?: { signal?: AbortSignal }): Promise<string>
  /** drop the cached token (after a 401) and fetch a new one */
  refresh (rejected: string, opts?: { signal?: AbortSignal }): Promise<string>
  /** time of the last successful fetch, for readiness */
  readonly lastObtainedAt: number | undefined
}
