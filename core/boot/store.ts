import fp from 'fastify-plugin'
import type { ByocConfig } from '../../config/schema.js'
import type { Store } from '../store/types.js'
import type { RedisStore } from '../store/redis.js'
import { openStore } from '../store/index.js'

export const kStore = Symbol('byoc-hub.store')
declare module 'fastify' {
  interface FastifyInstance { [kStore]: Store }
}

/** The Redis store's own connection, for what shares it (rate limits, auth failures); undefined on SQLite. */
export const redisOf = (store: Store): RedisStore | undefined => store.driver === 'redis' ? store as RedisStore : undefined

/**
 * The store: the one given (tests, several apps on one store) or opened from config.store. Registered first, so its
 * onClose runs last (onClose hooks run in reverse order): everything that writes to it has stopped by then.
 */
export const storeStep = fp<{ config: ByocConfig, given?: Store | undefined }>(async (app, { config, given }) => {
  const store = given ?? await openStore(config.store)
  app.decorate(kStore, store)
  if (!given) app.addHook('onClose', async () => { await store.close() })
  redisOf(store)?.setConnectionLog(app.log)
}, { name: 'byoc-hub-store', fastify: '5.x' })
