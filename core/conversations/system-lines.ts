import type { CxoneInboundMessage } from '../plugin-api/index.js'
import type { NewJob, NewMessage, Thread } from '../store/types.js'
import type { ChannelRuntime } from '../channels/runtime.js'
import { Jobs } from './job-kinds.js'

/** Lines the hub itself writes into a conversation. Their message ids carry the kind, so nothing else needs storing. */
export type SystemLineKind = 'idle-warning' | 'idle-end'

const PREFIX = 'sys:'
const KIND = /^sys:(idle-warning|idle-end):/

/** Stable per occurrence (`stamp`), so a retried timer job writes the same line once. */
export const systemLineId = (kind: SystemLineKind, threadId: string, stamp: number): string => `${PREFIX}${kind}:${threadId}:${stamp}`

export const systemLineKind = (messageId: string): SystemLineKind | undefined => KIND.exec(messageId)?.[1] as SystemLineKind | undefined

/**
 * The stored line and its DFO create-message job. It goes to CXone with `direction: outbound`, so the agent sees
 * what the customer saw, on the thread's DFO order key (channel and thread, as customer messages and the close use):
 * it reaches CXone after every earlier message and before a close enqueued after it (a create-message after the
 * case is closed would open a new case).
 */
export function systemLine (channel: ChannelRuntime, thread: Thread, line: { kind: SystemLineKind, text: string, at: number, stamp: number }): { message: NewMessage, job: NewJob } {
  const messageId = systemLineId(line.kind, thread.threadId, line.stamp)
  const body: CxoneInboundMessage = {
    idOnExternalPlatform: messageId,
    direction: 'outbound',
    createdAtWithMilliseconds: new Date(line.at).toISOString(),
    thread: { idOnExternalPlatform: thread.threadId },
    messageContent: { type: 'TEXT', payload: { text: line.text } },
    // the thread's end user: CXone files the line on their conversation, addressed to them
    authorEndUserIdentity: { idOnExternalPlatform: thread.customerId },
    recipients: [{ idOnExternalPlatform: thread.customerId, isPrimary: true }]
  }
  return {
    message: {
      messageId, threadId: thread.threadId, channelId: channel.id, direction: 'outbound', text: line.text, attachments: [],
      authorName: channel.name, createdAt: line.at, raw: body
    },
    job: { kind: Jobs.DFO_CREATE_MESSAGE, orderKey: `dfo:${channel.id}:${thread.threadId}`, dedupeKey: `dfo-msg:${channel.id}:${messageId}`, payload: { channelId: channel.id, messageId } }
  }
}
