import type { FastifyBaseLogger } from 'fastify'
import type { ConversationsPort, DocumentsPort, LeasesPort } from '../store/types.js'
import type { ChannelRegistry } from '../channels/runtime.js'
import type { DfoClient, DfoContact } from '../cxone/dfo-types.js'
import type { ConversationService } from './service.js'
import { EndedCaseFeed } from './case-feed.js'
import { ArchivedThreadSweep } from './thread-sweep.js'

/** how far back the very first look goes when open threads are older than that (a hub upgraded in place) */
const FIRST_LOOK_MAX_MS = 24 * 3600_000

/**
 * CXone never calls the hub when an agent ends a conversation, so the hub asks. Every interval, one instance
 * (holding a lease) reads which cases ended since its last look (one contacts search, C19, more pages only when
 * many cases ended) and which threads were archived (one thread search, C11, over the next 50 open threads), and
 * ends those conversations for the customer. The third signal, DFO refusing a message with
 * cannotAddMoreMessagesToPost, costs nothing extra: the create-message job acts on it.
 */
export class ThreadStatusPoller {
  private handle: NodeJS.Timeout | undefined
  private busy: Promise<void> | undefined
  private readonly owner = `poller-${process.pid}-${Math.random().toString(36).slice(2)}`
  private readonly cases: EndedCaseFeed
  private readonly sweep: ArchivedThreadSweep
  private readonly lease: string

  constructor (
    private readonly store: ConversationsPort & LeasesPort & DocumentsPort,
    private readonly channels: Pick<ChannelRegistry, 'all'>,
    dfo: DfoClient,
    private readonly conversations: ConversationService,
    private readonly log: FastifyBaseLogger,
    private readonly intervalMs: number,
    /** one poller per tenant, each reading its own CXone for its own channels, under its own lease and watermark */
    tenant?: string
  ) {
    this.cases = new EndedCaseFeed(store, dfo, tenant)
    this.sweep = new ArchivedThreadSweep(store, channels, dfo, tenant)
    this.lease = tenant === undefined || tenant === 'default' ? 'thread-status-poller' : `thread-status-poller:${tenant}`
  }

  start (): void {
    this.handle = setInterval(() => {
      if (!this.busy) this.busy = this.pollIfLeader().finally(() => { this.busy = undefined })
    }, this.intervalMs)
    this.handle.unref()
  }

  private async pollIfLeader (): Promise<void> {
    try {
      if (!await this.store.tryLease(this.lease, this.owner, Math.max(1000, this.intervalMs - 100))) return
      await this.poll()
    } catch (err) {
      this.log.warn({ err }, 'thread status check failed')
    }
  }

  /** One look: ended cases, then one batch of the archived-thread sweep. Returns how many conversations it ended. */
  async poll (): Promise<number> {
    const channels = this.channels.all()
    if (channels.length === 0) return 0
    let closed = 0
    const { cases, mark } = await this.cases.read(
      [...new Set(channels.map(c => c.cxoneChannelId))], () => this.firstLookFrom(),
      () => this.log.warn('more ended cases than one look reads; older ones are skipped')
    )
    for (const contact of cases) if (await this.endForCase(contact)) closed++
    await this.cases.commit(mark)
    for (const { channel, thread } of await this.sweep.next()) {
      if (await this.conversations.closeThread(channel, thread, 'agent')) closed++
    }
    return closed
  }

  /**
   * Ends the conversation an ended case belongs to, unless the thread has moved on: a case that is not the one the
   * hub holds for the thread, or a message on the thread after the case ended (CXone opens a new case for it), means
   * an older case closed, and the conversation goes on.
   */
  private async endForCase (contact: DfoContact): Promise<boolean> {
    const threadId = contact.threadIdOnExternalPlatform
    if (threadId === undefined) return false
    // thread ids are unique per channel: the case names its CXone channel, which names ours
    const channel = this.channels.all().find(c => c.cxoneChannelId === contact.channelId)
    if (!channel) return false
    const thread = await this.store.getThread(channel.id, threadId)
    if (!thread || thread.status !== 'open') return false
    if (thread.contactId !== undefined && thread.contactId !== contact.id) return false
    const endedAt = contact.statusUpdatedAt === undefined ? Number.NaN : Date.parse(contact.statusUpdatedAt)
    if (thread.lastActivityAt > endedAt) return false
    return this.conversations.closeThread(channel, thread, 'agent')
  }

  /** No watermark yet: start at the oldest open conversation (no earlier close can end one), at most a day back. */
  private async firstLookFrom (): Promise<number> {
    const now = Date.now()
    let oldest = now
    for (const channel of this.channels.all()) {
      for (const t of await this.store.listThreads({ channelId: channel.id, status: 'open' })) oldest = Math.min(oldest, t.createdAt)
    }
    return Math.max(oldest, now - FIRST_LOOK_MAX_MS)
  }

  async stop (): Promise<void> {
    clearInterval(this.handle)
    await this.busy
  }
}

/** Every tenant's poller as one, for the hub's background loops (and tests that poll by hand). */
export class ThreadStatusPollers {
  constructor (private readonly pollers: readonly ThreadStatusPoller[]) {}
  start (): void { for (const p of this.pollers) p.start() }
  /** one look per tenant; how many conversations they ended */
  async poll (): Promise<number> {
    let closed = 0
    for (const p of this.pollers) closed += await p.poll()
    return closed
  }

  async stop (): Promise<void> { await Promise.all(this.pollers.map(p => p.stop())) }
}
