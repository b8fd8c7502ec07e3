import type { StoredMessage, Thread } from '../store/types.js'
import type { CxoneOutboundMessage, ThreadInfo, TimelineEntry } from '../plugin-api/index.js'
import { systemLineKind } from './system-lines.js'
import { agentMessageDetails } from './agent-message.js'

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

/** The agent message a plugin's outbound translator receives, built from the stored row and its details. */
export function toCxoneOutbound (m: StoredMessage, customerId: string): CxoneOutboundMessage {
  const details = agentMessageDetails(m)
  return {
    idOnExternalPlatform: m.messageId,
    createdAtWithMilliseconds: new Date(m.createdAt).toISOString(),
    thread: { idOnExternalPlatform: m.threadId },
    messageContent: details.messageContent,
    recipients: details.recipients.length > 0 ? details.recipients : [{ idOnExternalPlatform: customerId }],
    attachments: m.attachments,
    ...(details.authorUser ? { authorUser: details.authorUser } : {}),
    raw: details.body
  }
}
