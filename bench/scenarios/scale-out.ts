import { saturate, type HttpRequest } from '../lib/load.js'
import { json, round, type Ctx } from '../lib/context.js'
import { startRedis } from '../lib/redis-server.js'
import type { Child } from '../lib/rpc.js'
import { drained } from './relay.js'

/**
 * 7. Scale-out: 1, 2 and 3 hub instances (1 and 2 in --smoke) on one Redis (the bench's own), each instance loaded
 * by its own autocannon at once, inbound relay to CXone. Accepted req/s per instance and in total, and total delivered to CXone including
 * the drain. On a 2-core machine every instance, Redis, CXone and the load generator share two cores, so the total
 * cannot grow the way it would with a core per instance: the figure shows what sharing one Redis costs, not capacity.
 */
export async function scaleOut (ctx: Ctx): Promise<void> {
  const S = 'scale-out on one Redis (2-core box)'
  const seconds = ctx.smoke ? 1 : ctx.quick ? 4 : 6
  // the smoke run (npm test) proves one instance and several on one Redis: 1 and 2 start three hubs, not six
  const most = ctx.smoke ? 2 : 3
  const tag = Date.now().toString(36)
  const redis = await startRedis()
  try {
    for (let n = 1; n <= most; n++) {
      const hubs: Child[] = []
      try {
        for (let k = 0; k < n; k++) hubs.push(await ctx.startHub({ driver: 'redis', redisUrl: redis.url, keyPrefix: `bench-out-${n}:` }))
        const inbound = (k: number) => (i: number): HttpRequest => ({
          method: 'POST', path: '/channels/recorder/inbound', headers: json,
          body: JSON.stringify({ customerId: `o${k}-${i % 300}`, messageId: `${tag}-${n}-${k}-${i}`, text: `Herd of ${n}, message ${i}` })
        })
        await ctx.dfo.call('arrivals')
        const started = Date.now()
        const results = await Promise.all(hubs.map((h, k) => saturate(h.url, inbound(k), { seconds, connections: 16 })))
        for (const h of hubs) await drained(h)
        const delivered = (await ctx.dfo.call<{ created: number }>('arrivals')).created / ((Date.now() - started) / 1000)
        const total = results.reduce((s, r) => s + r.rps, 0)
        const failed = results.reduce((s, r) => s + r.failed, 0)
        ctx.add({
          scenario: S, metric: `${n} instance${n > 1 ? 's' : ''}: accepted in total`, unit: 'req/s', hub: total,
          note: `per instance ${results.map(r => round(r.rps, 0)).join(' / ')}; delivered to CXone ${round(delivered, 0)} msg/s incl. drain; failed ${failed}`
        })
      } finally {
        for (const h of hubs) await h.stop()
      }
    }
  } finally {
    await redis.stop()
  }
}
