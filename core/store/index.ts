import { redisTopology, type RedisStoreConfig } from './redis-connect.js'
import type { Store } from './types.js'

export type StoreConfig = { driver: 'sqlite', path: string } | ({ driver: 'redis' } & RedisStoreConfig)

/** Opens the configured driver. Drivers load lazily so the embedded default never needs Redis installed. */
export async function openStore (cfg: StoreConfig): Promise<Store> {
  if (cfg.driver === 'sqlite') {
    const { SqliteStore } = await import('./sqlite.js')
    return new SqliteStore(cfg.path)
  }
  const { RedisStore } = await import('./redis.js')
  return RedisStore.connect(redisTopology(cfg), cfg.keyPrefix, { ackReplicas: cfg.ackReplicas ?? 0 })
}
export type * from './types.js'
