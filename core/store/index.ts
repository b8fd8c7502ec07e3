import type { Store } from './types.js'

export type StoreConfig = { driver: 'sqlite', path: string } | { driver: 'redis', url: string, keyPrefix?: string, cluster?: readonly string[] }

/** Opens the configured driver. Drivers load lazily so the embedded default never needs Redis installed. */
export async function openStore (cfg: StoreConfig): Promise<Store> {
  if (cfg.driver === 'sqlite') {
    const { SqliteStore } = await import('./sqlite.js')
    return new SqliteStore(cfg.path)
  }
  const { RedisStore } = await import('./redis.js')
  return RedisStore.connect(cfg, cfg.keyPrefix)
}
export type * from './types.js'
