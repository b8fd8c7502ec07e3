import { Redis } from 'ioredis'
import type { LiveEvent } from '../plugin-api/types.js'
import { LocalEventBus, type EventBus } from './event-bus.js'

/**
 * Cross-instance fan-out over Redis pub/sub: one Redis channel per hub channel, each instance delivering to its
 * own sockets. Pub/sub may drop during a Redis blip; clients resume from the durable timeline by seq.
 */
export class RedisEventBus extends LocalEventBus implements EventBus {
  private constructor (private readonly pub: Redis, private readonly sub: Redis, private readonly prefix: string) {
    super()
    sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
      try {
        const { c, u, e } = JSON.parse(message.toString('utf8')) as { c: string, u: string, e: LiveEvent }
        this.deliverLocal(c, u, e)
      } catch { /* a foreign message on our channel: ignore */ }
    })
  }

  static async connect (url: string, prefix = 'byoc:'): Promise<RedisEventBus> {
    const opts = { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true }
    const pub = new Redis(url, opts)
    const sub = new Redis(url, { ...opts, enableOfflineQueue: true, maxRetriesPerRequest: null })
    await Promise.all([pub.connect(), sub.connect()])
    await sub.psubscribe(`${prefix}live:*`)
    sub.on('pmessageBuffer', (_pattern: Buffer, _channel: Buffer, message: Buffer) => sub.emit('messageBuffer', _channel, message))
    return new RedisEventBus(pub, sub, prefix)
  }

  override async publish (channelId: string, customerId: string, event: LiveEvent): Promise<void> {
    await this.pub.publish(`${this.prefix}live:${channelId}`, JSON.stringify({ c: channelId, u: customerId, e: event }))
  }

  override async close (): Promise<void> {
    await super.close()
    this.sub.disconnect()
    this.pub.disconnect()
  }
}
