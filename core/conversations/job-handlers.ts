import type { ConversationsPort, Job, StoredMessage } from '../store/types.js'
import type { ChannelRegistry, ChannelRuntime } from '../channels/runtime.js'
import type { DfoClient } from '../cxone/dfo-types.js'
import { DfoError } from '../cxone/dfo-types.js'
import type { CxoneInboundMessage, ChannelSignal } from '../plugin-api/index.js'
import { JobFailure, type JobHandler } from '../delivery/outbox-worker.js'
import { showsSignal, type ConversationService } from './service.js'
import { toCxoneOutbound } from './timeline.js'
import { splitText } from './split-text.js'
import { Jobs } from './job-kinds.js'
import { findLiveCase } from './find-case.js'

interface Deps {
  store: ConversationsPort, channels: ChannelRegistry, conversations: ConversationService
  /** the channel's tenant's DFO client: each tenant calls its own CXone */
  dfoOf: (channel: ChannelRuntime) => DfoClient
  /** copies agent attachments into the store before the platform gets their hub URLs */
  attachments?: { keep (threadId: string, attachments: StoredMessage['attachments']): Promise<void> }
}

/** DfoError -> what the worker should do: retry (with DFO's Retry-After) or give up. */
function asFailure (err: unknown): unknown {
  if (err instanceof DfoError) return new JobFailure(`${err.code}: ${err.message}`, { retryable: err.retryable, ...(err.details.retryAfterMs !== undefined ? { retryAfterMs: err.details.retryAfterMs } : {}) }, { cause: err })
  return err
}

function channelOf (channels: ChannelRegistry, job: Job): ChannelRuntime {
  const channel = channels.get((job.payload as { channelId: string }).channelId)
  if (!channel) throw new JobFailure(`channel ${(job.payload as { channelId: string }).channelId} is no longer configured`, { retryable: false })
  return channel
}

export function createJobHandlers ({ store, channels, dfoOf, conversations, attachments }: Deps): Record<string, JobHandler> {
  return {
    [Jobs.DFO_CREATE_MESSAGE]: async (job, signal) => {
      const channel = channelOf(channels, job)
      const { messageId } = job.payload as { messageId: string }
      // the claim read the message with the job; a store too old to, or an id cjson spells otherwise: read it here
      const message = job.message ?? await store.getMessage(channel.id, messageId)
      if (!message) return
      try {
        const result = await dfoOf(channel).createMessage(channel.cxoneChannelId, message.raw as CxoneInboundMessage, { signal, attempts: 1 })
        const contactId = result.consumerContact?.id
        // recorded with the job's completion, in the worker's next store call: no store call of this job's own
        const threadTouch = { channelId: channel.id, threadId: message.threadId, at: message.createdAt, ...(contactId !== undefined ? { contactId: String(contactId) } : {}) }
        const sent = { channelId: channel.id, messageId, status: 'sent' as const }
        // the tick goes only to a platform that shows it, and only when this call moved the status (hence its own write)
        if (message.direction !== 'inbound' || !showsSignal(channel, { type: 'message-status' })) return { messageStatus: sent, threadTouch }
        if (await store.setMessageStatus(channel.id, messageId, 'sent')) {
          // the customer's tick: CXone has the message (the hub's own lines have no tick)
          const thread = await store.getThread(channel.id, message.threadId)
          if (thread) await conversations.signal(channel, { type: 'message-status', threadId: thread.threadId, customerId: thread.customerId, messageId, status: 'delivered' }, false)
        }
        return { threadTouch }
      } catch (err) {
        if (err instanceof DfoError && err.code === 'BYOC_ERR_CXONE_THREAD_CLOSED') {
          // the agent ended the conversation in CXone: stop the customer, do not retry
          await store.setMessageStatus(channel.id, messageId, 'failed')
          const thread = await store.getThread(channel.id, message.threadId)
          if (thread) await conversations.closeThread(channel, thread, 'agent')
          return
        }
        throw asFailure(err)
      }
    },

    [Jobs.DFO_MESSAGE_STATUS]: async (job, signal) => {
      const channel = channelOf(channels, job)
      const { messageId, status, at } = job.payload as { messageId: string, status: 'delivered' | 'seen' | 'failed', at: number }
      try {
        await dfoOf(channel).updateMessageStatus(channel.cxoneChannelId, messageId, status, new Date(at).toISOString(), { signal, attempts: 1 })
      } catch (err) { throw asFailure(err) }
    },

    [Jobs.DFO_CLOSE_THREAD]: async (job, signal) => {
      const channel = channelOf(channels, job)
      const { threadId } = job.payload as { threadId: string }
      const thread = await store.getThread(channel.id, threadId)
      try {
        const dfo = dfoOf(channel)
        await dfo.updateThread(channel.cxoneChannelId, threadId, { canAddMoreMessages: false }, { signal, attempts: 1 })
        const contactId = thread?.contactId ?? (thread && await findLiveCase(dfo, channel.cxoneChannelId, thread.customerId, threadId, { signal, attempts: 1 }))
        if (contactId) await dfo.updateContactStatus(contactId, 'closed', { signal, attempts: 1 })
      } catch (err) { throw asFailure(err) }
    },

    [Jobs.PLATFORM_DELIVER]: async (job, signal) => {
      const channel = channelOf(channels, job)
      const { messageId, customerId } = job.payload as { messageId: string, customerId?: string }
      const message = job.message ?? await store.getMessage(channel.id, messageId)
      if (!message) return
      // agent messages name their customer in the job (one store read per delivery); older jobs look the thread up
      const thread = customerId !== undefined ? { threadId: message.threadId, customerId } : await store.getThread(channel.id, message.threadId)
      if (!thread) return
      const registration = channel.registration!
      await attachments?.keep(thread.threadId, message.attachments)
      const full = toCxoneOutbound(message, thread.customerId)
      // degrade for platforms that cannot carry it: attachments as links, long text in parts
      const text = (full.messageContent.payload.text ?? '') +
        (!channel.capabilities.attachments && full.attachments.length > 0 ? '\n' + full.attachments.map(a => `${a.friendlyName}: ${a.url}`).join('\n') : '')
      const parts = splitText(text, channel.capabilities.maxTextLength)
      for (const [i, part] of parts.entries()) {
        const piece = {
          ...full,
          idOnExternalPlatform: parts.length > 1 ? `${messageId}#${i + 1}` : messageId,
          messageContent: { ...full.messageContent, payload: { ...full.messageContent.payload, text: part } },
          attachments: channel.capabilities.attachments && i === parts.length - 1 ? full.attachments : []
        }
        const platformMessage = registration.outbound.fromCxone(piece, { channelId: channel.id })
        await registration.transport.send(platformMessage, { signal, target: { threadId: thread.threadId, customerId: thread.customerId, messageId: piece.idOnExternalPlatform, seq: message.seq } })
      }
      // recorded with the job's completion, in the worker's next store call
      return { messageStatus: { channelId: channel.id, messageId, status: 'sent' } }
    },

    [Jobs.PLATFORM_SIGNAL]: async (job, signal) => {
      const channel = channelOf(channels, job)
      const event = (job.payload as { signal: ChannelSignal }).signal
      const send = channel.registration?.transport.signal
      if (send) await send.call(channel.registration!.transport, event, { signal })
    }
  }
}
