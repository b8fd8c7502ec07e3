import type { FastifyBaseLogger } from 'fastify'
import type { Store } from '../store/types.js'
import type { ChannelRegistry } from '../channels/runtime.js'
import type { DfoClient } from '../cxone/dfo-types.js'
import type { ConversationService } from './service.js'

/**
 * CXone never calls the hub when an agent ends a conversation, so the hub asks: every interval, one instance
 * (holding a lease) checks the open threads' status in DFO and ends those CXone closed for new messages.
 */
export class ThreadStatusPoller {
  private handle: NodeJS.Timeout | undefined
  private busy: Promise<void> | undefined
  private readonly owner = `poller-${process.pid}-${Math.random().toString(36).slice(2)}`

  constructor (
    private readonly store: Store,
    private readonly channels: ChannelRegistry,
    private readonly dfo: DfoClient,
    private readonly conversations: ConversationService,
    private readonly log: FastifyBaseLogger,
    private readonly intervalMs: number
  ) {}

  start (): void {
    this.handle = setInterval(() => {
      if (!this.busy) this.busy = this.pollIfLeader().finally(() => { this.busy = undefined })
    }, this.intervalMs)
    this.handle.unref()
  }

  private async pollIfLeader (): Promise<void> {
    try {
      if (!await this.store.tryLease('thread-status-poller', this.owner, Math.max(1000, this.intervalMs - 100))) return
      await this.poll()
    } catch (err) {
      this.log.warn({ err }, 'thread status check failed')
    }
  }

  /** One pass over every channel's open threads, 50 per DFO call. */
  async poll (): Promise<number> {
    let closed = 0
    for (const channel of this.channels.all()) {
      const open = await this.store.listThreads({ channelId: channel.id, status: 'open' })
      for (let i = 0; i < open.length; i += 50) {
        const batch = open.slice(i, i + 50)
        const found = await this.dfo.searchThreads({ channelId: channel.cxoneChannelId, threadIds: batch.map(t => t.threadId) }, { attempts: 1 })
        const shut = new Set(found.filter(t => t.canAddMoreMessages === false).map(t => t.idOnExternalPlatform))
        for (const thread of batch) {
          if (shut.has(thread.threadId) && await this.conversations.closeThread(channel, thread, 'agent')) closed++
        }
      }
    }
    return closed
  }

  async stop (): Promise<void> {
    clearInterval(this.handle)
    await this.busy
  }
}
