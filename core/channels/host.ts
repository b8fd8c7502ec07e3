import { randomUUID } from 'node:crypto'
import type { ChannelHost, LiveEvent, PresenceState, ThreadInfo, WebhookEventOf } from '../plugin-api/index.js'
import type { ConversationsPort, DocumentsPort, TimersPort } from '../store/types.js'
import type { EventBus } from '../live/event-bus.js'
import type { DfoClient } from '../cxone/dfo-types.js'
import type { ConversationService } from '../conversations/service.js'
import { toThreadInfo, toTimelineEntry } from '../conversations/timeline.js'
import { hubError } from '../errors.js'
import { countdownKey } from '../conversations/idle-rule.js'
import type { ChannelRuntime } from './runtime.js'
import { customerTokensNotBefore } from './customer-tokens.js'
import { assertValidId } from '../conversations/valid-id.js'

interface HostDeps { store: ConversationsPort & TimersPort & DocumentsPort, bus: EventBus, dfo: DfoClient, conversations: ConversationService }

/** The narrow, read-mostly facade a plugin gets: no root instance, no secrets, no metrics registry. */
export function createChannelHost (channel: ChannelRuntime, config: unknown, d: HostDeps): ChannelHost<any, unknown> { // intentional any: each plugin types its own config
  const { store, conversations } = d
  const ownThread = async (threadId: string): Promise<ThreadInfo | undefined> => {
    const t = await store.getThread(channel.id, threadId)
    if (!t) return undefined
    // a client connecting mid-countdown must see it too, not only those connected when the warning went out
    const countdown = t.status === 'open' ? await store.getTimer(countdownKey(channel.id, threadId)) : undefined
    return { ...toThreadInfo(t), ...(countdown ? { idleEndsAt: countdown.dueAt } : {}) }
  }
  return Object.freeze({
    channelId: channel.id,
    config: config as Readonly<unknown>,
    log: channel.log,
    receive: async (event: unknown) => ({ messages: await conversations.receive(channel, event) }),
    receiveCustomerEvent: async (event: WebhookEventOf<unknown>) => ({ messages: await conversations.receiveCustomerEvent(channel, event) }),
    typing: (threadId: string, on: boolean) => conversations.customerTyping(channel, threadId, on),
    receipt: (messageId: string, status: 'delivered' | 'seen') => conversations.receipt(channel, messageId, status),
    activity: (threadId: string) => conversations.customerActivity(channel, threadId),
    presence: (report: { customerId: string, connectionId: string, state: PresenceState }) => conversations.customerPresence(channel, report),
    customers: {
      upsert: async (p: { customerId: string, name: string, avatar?: string, locale?: string }) => {
        assertValidId('customer', p.customerId)
        await store.upsertCustomer({ channelId: channel.id, customerId: p.customerId, name: p.name, ...(p.avatar ? { avatar: p.avatar } : {}), ...(p.locale ? { locale: p.locale } : {}) })
      },
      get: async (customerId: string) => {
        const c = await store.getCustomer(channel.id, customerId)
        return c && { customerId: c.customerId, name: c.name, ...(c.avatar ? { avatar: c.avatar } : {}), ...(c.locale ? { locale: c.locale } : {}) }
      },
      tokensNotBefore: (customerId: string) => customerTokensNotBefore(store, channel.id, customerId)
    },
    threads: {
      current: async (customerId: string) => {
        assertValidId('customer', customerId)
        return toThreadInfo((await store.openThread(channel.id, customerId, `th-${randomUUID()}`)).thread)
      },
      findOpen: async (customerId: string) => {
        const t = await store.findCurrentThread(channel.id, customerId)
        return t && toThreadInfo(t)
      },
      get: ownThread,
      list: async (customerId: string) => (await store.listThreads({ channelId: channel.id, customerId })).map(toThreadInfo),
      history: async (threadId: string, afterSeq?: number) => {
        if (!await ownThread(threadId)) throw hubError('THREAD_UNKNOWN', threadId)
        return (await store.listMessages(channel.id, threadId, afterSeq)).map(toTimelineEntry)
      }
    },
    remember: async (key: string, ttlMs: number) => (await store.remember(`channel:${channel.id}`, key, true, ttlMs)).created,
    uploadAttachment: async (content: Buffer, mimeType: string) => {
      const { url } = await d.dfo.uploadTemporaryAttachment(content.toString('base64'), mimeType)
      return { url }
    },
    // the bus carries only what the channel's own transport pushes, already in the platform's terms
    push: (customerId: string, payload: unknown) => d.bus.publish(channel.id, customerId, { type: 'pushed', payload }),
    subscribe: (customerId: string, listener: (event: LiveEvent) => void) => d.bus.subscribe(channel.id, customerId, listener)
  })
}
