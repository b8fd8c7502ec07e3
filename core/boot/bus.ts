import fp from 'fastify-plugin'
import type { ByocConfig } from '../../config/schema.js'
import type { ConnectionLog } from '../store/redis.js'
import { LocalEventBus, type EventBus } from '../live/event-bus.js'
import { kConfig } from './config.js'

export const kBus = Symbol('byoc-hub.bus')
declare module 'fastify' {
  interface FastifyInstance { [kBus]: EventBus }
}

/** The live bus (in process, or Redis pub/sub beside a Redis store): the one given, or opened and closed here. */
export const busStep = fp<{ given?: EventBus | undefined }>(async (app, { given }) => {
  const bus = given ?? await openBus(app[kConfig], app.log)
  app.decorate(kBus, bus)
  if (!given) app.addHook('onClose', async () => { await bus.close() })
}, { name: 'byoc-hub-bus', fastify: '5.x', dependencies: ['byoc-hub-config'] })

async function openBus (config: ByocConfig, log: ConnectionLog): Promise<EventBus> {
  if (config.store.driver === 'redis') {
    const [{ RedisEventBus }, { redisTopology }] = await Promise.all([import('../live/redis-bus.js'), import('../store/redis-connect.js')])
    return RedisEventBus.connect(redisTopology(config.store), config.store.keyPrefix, log)
  }
  return new LocalEventBus()
}
