import { EventEmitter } from 'node:events'
import type { LiveEvent } from '../plugin-api/types.js'

/**
 * Live events for connected customers: what push channels' transports hand to `host.push` (core publishes nothing
 * of its own; messages and signals reach every channel through its transport). The embedded bus reaches listeners
 * in this process; the Redis bus
 * (live/redis-bus.ts) reaches every instance. Live delivery is best effort by design: the durable timeline in the
 * store is the truth, and clients resume from it by sequence number after any gap.
 */
export interface EventBus {
  publish (channelId: string, customerId: string, event: LiveEvent): Promise<void>
  subscribe (channelId: string, customerId: string, listener: (event: LiveEvent) => void): () => void
  /** number of local subscriptions, per channel (for metrics) */
  localSubscriptions (): Map<string, number>
  close (): Promise<void>
}

export class LocalEventBus implements EventBus {
  protected readonly emitter = new EventEmitter()
  private readonly counts = new Map<string, number>()

  constructor () { this.emitter.setMaxListeners(0) }

  async publish (channelId: string, customerId: string, event: LiveEvent): Promise<void> {
    this.deliverLocal(channelId, customerId, event)
  }

  protected deliverLocal (channelId: string, customerId: string, event: LiveEvent): void {
    this.emitter.emit(`${channelId}\u0000${customerId}`, event)
  }

  subscribe (channelId: string, customerId: string, listener: (event: LiveEvent) => void): () => void {
    const key = `${channelId}\u0000${customerId}`
    this.emitter.on(key, listener)
    this.counts.set(channelId, (this.counts.get(channelId) ?? 0) + 1)
    let active = true
    return () => {
      if (!active) return
      active = false
      this.emitter.off(key, listener)
      this.counts.set(channelId, (this.counts.get(channelId) ?? 1) - 1)
    }
  }

  localSubscriptions (): Map<string, number> { return new Map(this.counts) }

  async close (): Promise<void> { this.emitter.removeAllListeners() }
}
