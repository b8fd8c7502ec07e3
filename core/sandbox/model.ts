/** Shapes of the documents the sandbox keeps in the store (one concern per document, so writers never race). */

export interface SbChannel {
  id: string
  idOnExternalPlatform: string
  channelIntegrationId: string
  realExternalPlatformId: string
  name: string
  isPrivate: boolean
  hasTreeStructure: boolean
  createdAt: string
  [k: string]: unknown
}

export interface SbCustomer {
  channelId: string
  idOnExternalPlatform: string
  name: string
  firstName?: string
  lastName?: string
  image?: string | null
}

/** Immutable once created; mutable facts (open, contact, activity, typing) live in their own documents. */
export interface SbThread {
  id: string
  channelId: string
  idOnExternalPlatform: string
  threadName?: string
  customerId: string
  createdAt: number
}

export type ContactStatus = 'new' | 'open' | 'pending' | 'escalated' | 'resolved' | 'closed' | 'trashed'
export const CONTACT_STATUSES: readonly ContactStatus[] = ['new', 'open', 'pending', 'escalated', 'resolved', 'closed', 'trashed']
export const FINAL_CONTACT_STATUSES: readonly ContactStatus[] = ['resolved', 'closed', 'trashed']

export interface SbContact {
  id: string
  threadId: string
  channelId: string
  customerId: string
  status: ContactStatus
  createdAt: number
  statusUpdatedAt: number
}

export type SendState = 'sending' | 'sent' | 'failed'
export type DeliveryStatus = 'delivered' | 'seen' | 'failed'

export interface SbMessage {
  id: string
  /** known for customer messages at once, for agent messages once the hub answered */
  idOnExternalPlatform?: string
  channelId: string
  threadId: string
  /** inbound = from the customer, outbound = from the agent */
  direction: 'inbound' | 'outbound'
  text: string
  attachments: Array<{ friendlyName?: string, url: string }>
  authorName: string
  createdAt: number
  /** tie-break for messages created in the same millisecond */
  n: number
  sendState?: SendState
  error?: string
  raw?: unknown
}

export interface SbMessageStatus { status: DeliveryStatus, updatedAt: string, reason?: string }
