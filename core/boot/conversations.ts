import fp from 'fastify-plugin'
import { ChannelRegistry } from '../channels/runtime.js'
import { ConversationService } from '../conversations/service.js'
import { IdleRule } from '../conversations/idle-rule.js'
import { PresenceBook } from '../conversations/presence.js'
import { AttachmentKeeper } from '../attachments/keeper.js'
import { OutboxDoorbell } from '../delivery/outbox-doorbell.js'
import { tagJobsWithRequestId } from '../infra/observability-trace.js'
import { kConfig } from './config.js'
import { kStore } from './store.js'
import { kAddresses } from './addresses.js'
import { kCxone, kInProcess } from './cxone.js'
import { DEFAULT_TENANT, sandboxTenant } from '../../config/tenants.js'

/** The conversation core and what it is made of, for the steps that serve it (routes, channels, delivery). */
export interface ConversationCore {
  readonly conversations: ConversationService
  /** filled by the channels step; read at request and job time */
  readonly channels: ChannelRegistry
  readonly idle: IdleRule
  readonly keeper: AttachmentKeeper
  /** rung after every enqueue; the delivery step's worker answers */
  readonly queued: OutboxDoorbell
}

export const kConversations = Symbol('byoc-hub.conversations')
declare module 'fastify' {
  interface FastifyInstance { [kConversations]: ConversationCore }
}

/** The conversation core: every message between a platform and CXone goes through it (rules, timers, attachments). */
export const conversationsStep = fp(async (app) => {
  const config = app[kConfig]
  const store = app[kStore]
  const cxone = app[kCxone]
  // CXone's attachment links, which the keeper copies from; the sandbox's carry the hub's loopback Host
  const keeper = new AttachmentKeeper({
    store,
    selfUrl: app[kAddresses].selfUrl,
    cxoneBase: async (tenant = DEFAULT_TENANT) => app[kInProcess] && sandboxTenant(config)?.id === tenant
      ? `${app[kAddresses].localUrl()}/sandbox`
      : (await cxone.of(tenant).endpoints.get()).apiBaseUrl,
    // hub-wide: the copies live in the hub's store, whichever tenant's CXone they came from
    maxBytes: config.cxone.attachmentCopyMaxBytes,
    timeoutMs: config.cxone.timeout,
    log: app.log
  })
  const presence = new PresenceBook(store)
  const idle = new IdleRule(store, presence)
  const queued = new OutboxDoorbell()
  const conversations = new ConversationService({
    store: tagJobsWithRequestId(store), idle, presence, log: app.log, attachments: keeper,
    kick: () => queued.ring(),
    sendTyping: (channel, threadId, on) => {
      cxone.forChannel(channel).dfo.senderAction(channel.cxoneChannelId, threadId, on ? 'isTypingOn' : 'isTypingOff', { attempts: 1 })
        .catch((err: unknown) => app.log.debug({ err }, 'customer typing not relayed'))
    }
  })
  idle.bind({
    signal: (channel, s, dedupeKey) => conversations.signal(channel, s, true, dedupeKey),
    recordWarning: (channel, thread, line) => conversations.recordIdleWarning(channel, thread, line)
  })
  app.decorate(kConversations, { conversations, channels: new ChannelRegistry(), idle, keeper, queued })
}, { name: 'byoc-hub-conversations', fastify: '5.x', dependencies: ['byoc-hub-config', 'byoc-hub-store', 'byoc-hub-addresses', 'byoc-hub-cxone'] })
