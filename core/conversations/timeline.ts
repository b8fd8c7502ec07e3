import type { StoredMessage, Thread } from '../store/types.js'
import type { CxoneOutboundMessage, ThreadInfo, TimelineEntry } from '../plugin-api/index.js'
import { systemLineKind } from './system-lines.js'

const withSystem = (kind: TimelineEntry['system']): Pick<TimelineEntry, 'system'> => kind !== undefined ? { system: kind } : {}

export const toTimelineEntry = (m: StoredMessage): TimelineEntry => ({
  messageId: m.messageId,
  threadId: m.threadId,
  seq: m.seq,
  direction: m.direction,
  text: m.text,
  attachments: m.attachments,
  ...(m.authorName !== undefined ? { authorName: m.authorName } : {}),
  createdAt: m.createdAt,
  status: m.status,
  ...withSystem(systemLineKind(m.messageId))
})

export const toThreadInfo = (t: Thread): ThreadInfo => ({
  threadId: t.threadId,
  customerId: t.customerId,
  status: t.status,
  ...(t.closedReason !== undefined ? { closedReason: t.closedReason } : {}),
  createdAt: t.createdAt
})

/** Rebuilds the normalised agent message a plugin's outbound translator receives from what was stored. */
export function toCxoneOutbound (m: StoredMessage, customerId: string): CxoneOutboundMessage {
  const raw = (m.raw ?? {}) as Record<string, unknown>
  const recipients = Array.isArray(raw.endUserRecipients) && raw.endUserRecipients.length > 0
    ? raw.endUserRecipients as CxoneOutboundMessage['recipients']
    : [{ idOnExternalPlatform: customerId }]
  const content = raw.messageContent as CxoneOutboundMessage['messageContent'] | undefined
  return {
    idOnExternalPlatform: m.messageId,
    createdAtWithMilliseconds: new Date(m.createdAt).toISOString(),
    thread: { idOnExternalPlatform: m.threadId },
    messageContent: content && typeof content === 'object' ? content : { type: 'TEXT', payload: { text: m.text } },
    recipients,
    attachments: m.attachments,
    ...(raw.authorUser && typeof raw.authorUser === 'object' ? { authorUser: raw.authorUser as NonNullable<CxoneOutboundMessage['authorUser']> } : {}),
    raw
  }
}
