import type { ChannelSignal, DeliveryTarget, ReceiveResult, TimelineEntry } from '@byoc-hub/plugin-api'
import type { WateringHoleEvent } from './inbound.js'
import type { WateringHoleAgentMessage } from './outbound.js'

/**
 * What the widget pushes to a customer's sockets on every instance (host.push), each socket session showing it:
 * timeline entries (an agent message from the transport, the customer's own from the tab that sent it) and the
 * signals the transport got. Entries carry their seq, so a session shows each once, in order, whatever the path.
 */
export type WidgetPush =
  | { readonly type: 'entry', readonly entry: TimelineEntry }
  | { readonly type: 'signal', readonly signal: ChannelSignal }

/** An agent message, as the outbound translator made it, at its place in the thread. */
export function agentEntry (msg: WateringHoleAgentMessage, target: DeliveryTarget & { readonly seq: number }): TimelineEntry {
  return {
    messageId: target.messageId,
    threadId: target.threadId,
    seq: target.seq,
    direction: 'outbound',
    text: msg.text,
    attachments: msg.attachments,
    ...(msg.authorName !== undefined ? { authorName: msg.authorName } : {}),
    createdAt: msg.createdAt,
    // what the hub records as soon as this delivery returns
    status: 'sent'
  }
}

/** The customer's own message as the hub stored it: the inbound translator's text and author, the server's time. */
export function ownEntry (event: WateringHoleEvent, stored: ReceiveResult['messages'][number]): TimelineEntry {
  return {
    messageId: stored.messageId,
    threadId: stored.threadId,
    seq: stored.seq,
    direction: 'inbound',
    text: event.text,
    attachments: event.attachments,
    authorName: event.customer.name,
    createdAt: event.sentAt,
    status: 'accepted'
  }
}
