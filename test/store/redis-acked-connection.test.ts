import t from 'tap'
import { Redis } from 'ioredis'
import { RedisStore } from '../../core/store/redis.js'
import { ownRedis } from '../ha/own-redis.js'
import { testDir } from '../test-dir.js'

// Issue 17 (F-7): a write a platform or CXone waits on must not queue behind the background's calls. The store
// connection auto-pipelines, and ioredis keeps one pipeline in flight at a time per slot (every key shares the
// deployment's): with the worker's claims in flight and Redis 100 ms away, a customer message waited one round trip
// for them, then took its own. So the acked writes (a customer message, an agent message) leave on a connection of
// their own. Shown by where MONITOR sees each command come from, not by timing (bench/inbound-redis-far.ts times it).

t.test('acked writes leave on their own connection; the background\'s calls on the auto-pipelined one', async t => {
  const redis = await ownRedis(t, testDir(t, { redis: {} }) + '/redis')
  const store = await RedisStore.connect(redis.url, 'acked:')
  t.teardown(() => store.close())
  await store.openThread('ch', 'otter', 'th-1')

  const monitor = new Redis(redis.url)
  t.teardown(() => { monitor.disconnect() })
  const seen: Array<{ args: string[], source: string }> = []
  const mon = await monitor.monitor()
  mon.on('monitor', (_time: string, args: string[], source: string) => { if (source !== 'lua') seen.push({ args, source }) })
  await new Promise(resolve => setTimeout(resolve, 100))

  // the background's calls and an acked write issued in the same turn
  await Promise.all([
    store.claimJobs('worker-1', 10, 30_000),
    store.insertMessage({ messageId: 'm-1', threadId: 'th-1', channelId: 'ch', direction: 'inbound', text: 'hi', attachments: [], createdAt: Date.now() },
      { kind: 'dfo.createMessage', orderKey: 'dfo:ch:th-1', dedupeKey: 'dfo-msg:ch:m-1', payload: { channelId: 'ch', messageId: 'm-1' } }),
    store.claimJobs('worker-1', 10, 30_000)
  ])
  await new Promise(resolve => setTimeout(resolve, 200)) // MONITOR's lines trail the replies
  mon.disconnect()

  // each call told apart by an argument of its own (a connection's first call of a script is an EVAL with its text)
  const from = (arg: string): Set<string> => new Set(seen.filter(c => /^eval(sha)?$/i.test(c.args[0]!) && c.args.includes(arg)).map(c => c.source))
  const claims = from('worker-1')
  const inserts = from('dfo-msg:ch:m-1')
  t.equal(claims.size, 1, 'the claims from one connection')
  t.equal(inserts.size, 1, 'the insert from one connection')
  t.notOk([...inserts].some(source => claims.has(source)), `the acked write on a connection of its own (${[...inserts]} vs ${[...claims]})`)
  t.equal((await store.getMessage('ch', 'm-1'))?.threadId, 'th-1', 'stored')
  t.equal((await store.listJobs({})).length, 1, 'its job with it')
})
