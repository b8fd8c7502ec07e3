import type { ChannelSignal, OutboundTranslator } from '@byoc-hub/plugin-api'

/** What the platform receives for an agent message (the body of the signed POST). */
export interface WebhookAgentMessage {
  readonly type: 'message'
  readonly id: string
  readonly threadId: string
  readonly customerId: string
  readonly text: string
  readonly attachments: ReadonlyArray<{ readonly url: string, readonly name: string, readonly mimeType?: string }>
  readonly author?: { readonly name: string }
  readonly createdAt: string
}

export type WebhookSignalBody =
  | { readonly type: 'typing', readonly threadId: string, readonly customerId: string, readonly on: boolean }
  | { readonly type: 'thread.closed', readonly threadId: string, readonly customerId: string, readonly reason: string }
  | { readonly type: 'idle.warning', readonly threadId: string, readonly customerId: string, readonly endsAt: string, readonly text: string }
  | { readonly type: 'idle.cleared', readonly threadId: string, readonly customerId: string }

export const outbound: OutboundTranslator<WebhookAgentMessage> = {
  fromCxone (m) {
    const author = [m.authorUser?.firstName, m.authorUser?.lastName].filter(Boolean).join(' ') || m.authorUser?.nickname
    return {
      type: 'message',
      id: m.idOnExternalPlatform,
      threadId: m.thread.idOnExternalPlatform,
      customerId: m.recipients[0]?.idOnExternalPlatform ?? '',
      text: m.messageContent.payload.text ?? m.messageContent.fallbackText ?? '',
      attachments: m.attachments.map(a => ({ url: a.url, name: a.friendlyName, ...(a.mimeType ? { mimeType: a.mimeType } : {}) })),
      ...(author ? { author: { name: author } } : {}),
      createdAt: m.createdAtWithMilliseconds
    }
  }
}

/** Signals the platform hears about; message-status has no meaning for a platform that sent nothing. */
export function signalBody (s: ChannelSignal): WebhookSignalBody | undefined {
  switch (s.type) {
    case 'typing': return { type: 'typing', threadId: s.threadId, customerId: s.customerId, on: s.on }
    case 'thread-closed': return { type: 'thread.closed', threadId: s.threadId, customerId: s.customerId, reason: s.reason }
    case 'idle-warning': return { type: 'idle.warning', threadId: s.threadId, customerId: s.customerId, endsAt: new Date(s.endsAt).toISOString(), text: s.text }
    case 'idle-cleared': return { type: 'idle.cleared', threadId: s.threadId, customerId: s.customerId }
    default: return undefined
  }
}
