import { Cluster, Redis, type RedisOptions } from 'ioredis'

/** A connection to one Redis node, or to a Redis Cluster (ioredis routes each command to the slot's master). */
export type RedisClient = Redis | Cluster

export function isCluster (redis: RedisClient): redis is Cluster {
  return redis instanceof Cluster
}

/**
 * `store.cluster`: the seed urls need not name every node; ioredis learns the others (replicas included) from
 * CLUSTER SLOTS, by address only, so the credentials and TLS of the first url apply to every node.
 */
export function lazyCluster (urls: readonly string[], options: RedisOptions): Cluster {
  const seeds = urls.map(parseNode)
  const { enableOfflineQueue, lazyConnect: _lazy, host: _host, port: _port, ...perCommand } = options
  return new Cluster(seeds.map(s => ({ host: s.host, port: s.port })), {
    lazyConnect: true,
    // the fail-fast choice is the Cluster's: its queue holds commands while no slot map is known. Each node keeps
    // its own queue on, because ioredis opens node connections lazily and the first command to a node would
    // otherwise fail before the socket is up.
    enableOfflineQueue: enableOfflineQueue ?? true,
    redisOptions: { ...perCommand, ...seeds[0].auth }
  })
}

interface SeedNode { host: string, port: number, auth: Pick<RedisOptions, 'username' | 'password' | 'tls'> }

function parseNode (raw: string): SeedNode {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error(`store.cluster: '${raw}' is not a url (redis://host:port)`)
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`store.cluster: '${raw}' is not a redis:// or rediss:// url`)
  if (url.pathname !== '' && url.pathname !== '/' && url.pathname !== '/0') throw new Error(`store.cluster: '${raw}' names a database; a cluster has only database 0`)
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'), // IPv6 literals come bracketed
    port: url.port !== '' ? Number(url.port) : 6379,
    auth: {
      ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password !== '' ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.protocol === 'rediss:' ? { tls: {} } : {})
    }
  }
}
