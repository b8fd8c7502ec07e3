import type { LiveEvent } from '../plugin-api/types.js'
import { asTopology, connectRedis, type RedisTopology } from '../store/redis-connect.js'
import type { ConnectionLog } from '../store/redis.js'
import type { RedisClient } from '../store/redis-cluster.js'
import { LocalEventBus, type EventBus } from './event-bus.js'

const quietLog: ConnectionLog = { warn: () => {}, info: () => {} }

/**
 * Cross-instance fan-out over Redis pub/sub: one Redis channel per hub channel, every instance delivering to its
 * own sockets (the publisher included, through Redis, so all instances see one order). Pub/sub may drop during a
 * Redis blip; clients resume from the durable timeline by seq, so the bus never needs to be more than best effort.
 */
export class RedisEventBus extends LocalEventBus implements EventBus {
  private closed = false

  private constructor (private readonly pub: RedisClient, private readonly sub: RedisClient, private readonly prefix: string, log: ConnectionLog) {
    super()
    sub.on('pmessageBuffer', (_pattern: Buffer, _channel: Buffer, message: Buffer) => {
      try {
        const { c, u, e } = JSON.parse(message.toString('utf8')) as { c: string, u: string, e: LiveEvent }
        this.deliverLocal(c, u, e)
      } catch { /* a foreign message on our channel: ignore */ }
    })
    // one line per outage and connection, not one per reconnect attempt; ioredis re-subscribes on reconnect
    for (const [name, conn] of [['publisher', pub], ['subscriber', sub]] as const) {
      let lost = false
      conn.on('error', (err: Error) => {
        if (lost || this.closed) return
        lost = true
        log.warn({ err }, `live bus ${name} lost its redis connection; reconnecting`)
      })
      conn.on('ready', () => { if (lost) { lost = false; log.info({}, `live bus ${name} reconnected`) } })
    }
  }

  /**
   * Channels are named `<prefix>live:<channelId>`, not hash-tagged: pub/sub channels are no keys, and on a cluster
   * PUBLISH reaches the subscribers on every node.
   */
  static async connect (target: string | RedisTopology, prefix = 'byoc:', log: ConnectionLog = quietLog): Promise<RedisEventBus> {
    const topology = asTopology(target)
    const [pub, sub] = await Promise.allSettled([connectRedis(topology, 'publisher'), connectRedis(topology, 'subscriber')])
    try {
      if (pub.status === 'rejected') throw pub.reason
      if (sub.status === 'rejected') throw sub.reason
      await sub.value.psubscribe(`${prefix}live:*`)
      return new RedisEventBus(pub.value, sub.value, prefix, log)
    } catch (err) {
      if (pub.status === 'fulfilled') pub.value.disconnect()
      if (sub.status === 'fulfilled') sub.value.disconnect()
      throw err
    }
  }

  override async publish (channelId: string, customerId: string, event: LiveEvent): Promise<void> {
    await this.pub.publish(`${this.prefix}live:${channelId}`, JSON.stringify({ c: channelId, u: customerId, e: event }))
  }

  override async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await super.close()
    this.sub.disconnect()
    this.pub.disconnect()
  }
}
