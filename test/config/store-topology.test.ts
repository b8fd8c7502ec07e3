import t from 'tap'
import { ConfigInvalidError, validateConfig } from '../../config/load.js'
import { DEFAULT_REDIS_URL, redisTopology } from '../../core/store/redis-connect.js'
import { CLIENT } from '../helper.js'

// live mode: the sandbox block (and its client id rule) is out of the way, so only the store rules speak
const base = { auth: { clients: [CLIENT] }, cxone: { mode: 'live', tenantId: 't', accessKeyId: 'k', accessKeySecret: 's' } }
const problems = (store: Record<string, unknown>): string[] => {
  try { validateConfig({ ...base, store }, {}); return [] } catch (err) { return (err as ConfigInvalidError).problems }
}
const sentinels = [{ host: '127.0.0.1', port: 26379 }, { host: '127.0.0.1', port: 26380 }]

t.test('store.url alone is one node, as before; no url means the local default', async t => {
  const cfg = validateConfig({ ...base, store: { driver: 'redis', url: 'redis://10.0.0.5:6380' } }, {})
  t.same(redisTopology(cfg.store as never), { kind: 'standalone', url: 'redis://10.0.0.5:6380' })
  t.equal((cfg.store as { ackReplicas: number }).ackReplicas, 0, 'ackReplicas defaults to 0: answer after the primary alone')
  const bare = validateConfig({ ...base, store: { driver: 'redis' } }, {})
  t.same(redisTopology(bare.store as never), { kind: 'standalone', url: DEFAULT_REDIS_URL })
})

t.test('store.sentinels with store.name is Sentinel mode', async t => {
  const cfg = validateConfig({ ...base, store: { driver: 'redis', sentinels, name: 'byoc', ackReplicas: 1 } }, {})
  t.same(redisTopology(cfg.store as never), { kind: 'sentinel', sentinels, name: 'byoc' })
})

t.test('sentinels and name come together, and not beside url', async t => {
  t.match(problems({ driver: 'redis', sentinels }).join('\n'), /\/store\/name: required with store.sentinels/)
  t.match(problems({ driver: 'redis', name: 'byoc' }).join('\n'), /\/store\/sentinels: required with store.name/)
  t.match(problems({ driver: 'redis', url: 'redis://x:6379', sentinels, name: 'byoc' }).join('\n'), /\/store\/url: give either store.url .* or store.sentinels, not both/)
  t.ok(problems({ driver: 'redis', sentinels: [], name: 'byoc' }).length > 0, 'an empty sentinel list is refused')
  t.ok(problems({ driver: 'redis', sentinels: [{ host: 'a' }], name: 'byoc' }).some(p => p.startsWith('/store/')), 'a sentinel without a port is refused')
  t.ok(problems({ driver: 'redis', ackReplicas: -1 }).some(p => p.startsWith('/store/')), 'ackReplicas is not negative')
})
