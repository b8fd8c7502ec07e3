// Frames of the widget socket, as the browser sees them (the server validates its side with schemas.ts).

export interface AttachmentView { friendlyName: string, url: string, mimeType?: string }
export interface SealedAttachment { friendlyName: string, url: string, mimeType: string, seal: string }

export interface EntryView {
  messageId: string
  threadId: string
  seq: number
  direction: 'inbound' | 'outbound'
  text: string
  attachments: AttachmentView[]
  authorName?: string
  createdAt: number
  status: string
  /** a line the hub wrote (the idle prompt, the end line) */
  system?: 'idle-warning' | 'idle-end'
  /** present on the customer's own messages */
  clientMessageId?: string
}

export interface ThreadView { threadId: string, status: 'open' | 'closed', closedReason: string | null, createdAt: number }

export type ServerFrame =
  | { type: 'welcome', customer: { customerId: string, name: string, avatar: string | null }, token: string }
  | { type: 'history', thread: ThreadView | null, resume: boolean, entries: EntryView[] }
  | { type: 'message', entry: EntryView }
  | { type: 'ack', clientMessageId: string, messageId: string, threadId: string, seq: number, duplicate: boolean }
  | { type: 'typing', threadId: string, on: boolean }
  | { type: 'status', threadId: string, messageId: string, status: 'delivered' | 'seen' }
  | { type: 'idle-warning', threadId: string, endsAt: number, now: number, text: string }
  | { type: 'idle-cleared', threadId: string }
  | { type: 'thread-closed', threadId: string, reason: string }
  | { type: 'error', code: string, message: string, clientMessageId?: string }

export type PresenceFrameState = 'open' | 'closed' | 'hidden' | 'unload'

export interface MessageFrame { type: 'message', clientMessageId: string, text: string, attachments?: SealedAttachment[] }

export type ClientFrame =
  | { type: 'hello', token: string, lastSeq?: Record<string, number> }
  | MessageFrame
  | { type: 'typing', on: boolean }
  | { type: 'read', messageId: string, status?: 'delivered' | 'seen' }
  | { type: 'activity' }
  | { type: 'presence', state: PresenceFrameState }
  | { type: 'new-chat' }

export const THREAD_CLOSED = 'BYOC_WATERING_HOLE_ERR_THREAD_CLOSED'
export const TOKEN_INVALID = 'BYOC_WATERING_HOLE_ERR_TOKEN_INVALID'
