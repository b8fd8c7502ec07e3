import t, { type Test } from 'tap'
import type { Redis } from 'ioredis'
import { RedisStore } from '../../core/store/redis.js'
import { redisUrl, seededPrefix } from './redis-server.js'

/*
 * A Redis store of key layout 2 (every key under the bare prefix `P`) opens with layout 3 (every key under the hash
 * tag `{P}`): all of it is carried over and keeps working. Layout 2 is written here key by key, as the layout-2
 * code wrote it, so the test does not depend on that code still existing.
 */

const T0 = 1_700_000_000_000
const pair = (a: string, b: string): string => JSON.stringify([a, b])
const TKEY = pair('ch-a', 'th-1')
const ANN = pair('ch-a', 'ann')
const IDEM = pair('inbound', 'req-1')

async function writeLayout2 (r: Redis, P: string): Promise<void> {
  await r.set(`${P}schema`, '2')
  await r.hset(`${P}cust:ch-a`, 'ann', JSON.stringify({ name: 'Ann', avatar: 'https://a.example/ann.png' }))
  await r.hset(`${P}cust-at:ch-a`, 'ann', T0)
  await r.sadd(`${P}cust-channels`, 'ch-a')
  await r.hset(`${P}t:${TKEY}`, {
    threadId: 'th-1', channelId: 'ch-a', customerId: 'ann', status: 'open', createdAt: T0, lastActivityAt: T0 + 10, lastSeq: 2, pair: ANN, contactId: '42'
  })
  for (const index of ['threads', 'threads-ch:ch-a', 'threads-open:ch-a', `threads-cu:${ANN}`]) await r.zadd(`${P}${index}`, T0, TKEY)
  await r.zadd(`${P}open-cu:${ANN}`, T0 + 10, TKEY)
  for (const [seq, id, status, direction] of [[1, 'm-1', 'sent', 'inbound'], [2, 'm-2', 'accepted', 'outbound']] as const) {
    const doc = { messageId: id, threadId: 'th-1', channelId: 'ch-a', direction, text: `text ${id}`, attachments: [], createdAt: T0 + seq }
    await r.hset(`${P}m:${pair('ch-a', id)}`, { doc: JSON.stringify(doc), seq, status })
    await r.zadd(`${P}tm:${TKEY}`, seq, id)
  }
  // outbox: job 1 pending (the head of its order key), job 2 done
  await r.set(`${P}job-seq`, 2)
  await r.hset(`${P}j:1`, { kind: 'deliver', orderKey: 'o-1', dedupeKey: 'd-1', payload: '{"n":1}', attempts: 0, state: 'pending', runAt: T0, createdAt: T0 })
  await r.hset(`${P}j:2`, { kind: 'deliver', orderKey: 'o-2', dedupeKey: 'd-2', payload: '{}', attempts: 1, state: 'done', runAt: T0, createdAt: T0 })
  await r.hset(`${P}dedupe`, { 'd-1': 1, 'd-2': 2 })
  await r.zadd(`${P}q:o-1`, 1, 1)
  await r.zadd(`${P}heads`, T0, 'o-1')
  await r.zadd(`${P}jobs`, 1, 1, 2, 2)
  await r.zadd(`${P}jobs:pending`, 1, 1)
  await r.zadd(`${P}jobs:done`, 2, 2)
  await r.zadd(`${P}pending-age`, T0, 1)
  await r.set(`${P}idem:${IDEM}`, '{"status":202}', 'PX', 600_000)
  await r.hset(`${P}timers`, 'idle:1', JSON.stringify({ kind: 'idle', dueAt: T0, payload: { x: 1 } }))
  await r.zadd(`${P}timers-due`, T0, 'idle:1')
  await r.hset(`${P}signing-keys`, 'kid-1', JSON.stringify({ kid: 'kid-1', secret: 's3cret', createdAt: T0 }))
  await r.hset(`${P}lease:poller`, { owner: 'instance-a', until: Date.now() + 600_000 })
  await r.pexpire(`${P}lease:poller`, 660_000)
  await r.hset(`${P}doc:sandbox`, 'secrets', JSON.stringify({ consoleToken: 'kept' }))
  await r.set(`${P}authfail:10.0.0.9`, 3, 'PX', 600_000)
  // a deployment whose prefix extends this one: not ours, stays where it is
  await r.set(`${P}eu:schema`, '2')
}

/** Everything writeLayout2 put in, read through the store; then the store works on from there. */
async function checkCarriedOver (t: Test, s: RedisStore): Promise<void> {
  t.match(await s.getCustomer('ch-a', 'ann'), { name: 'Ann', avatar: 'https://a.example/ann.png', createdAt: T0 })
  t.match(await s.getThread('ch-a', 'th-1'), { customerId: 'ann', status: 'open', lastActivityAt: T0 + 10, contactId: '42' })
  t.equal((await s.findCurrentThread('ch-a', 'ann'))?.threadId, 'th-1')
  t.same((await s.listThreads({ channelId: 'ch-a', status: 'open' })).map(x => x.threadId), ['th-1'])
  t.equal(await s.countOpenThreads('ch-a'), 1)
  t.same((await s.listMessages('ch-a', 'th-1')).map(m => [m.messageId, m.seq, m.status]), [['m-1', 1, 'sent'], ['m-2', 2, 'accepted']])
  t.same((await s.listJobs({})).map(j => [j.jobId, j.state]), [[1, 'pending'], [2, 'done']])
  t.match(await s.outboxStats(T0 + 5), { pending: 1, dead: 0, oldestPendingAgeMs: 5 })
  t.same((await s.claimJobs('w', 10, 1000, T0 + 1)).map(j => [j.jobId, j.payload]), [[1, { n: 1 }]], 'the head index came along')
  t.equal(await s.enqueue({ kind: 'deliver', orderKey: 'o-3', dedupeKey: 'd-2', payload: {} }), undefined, 'dedupe came along')
  t.equal((await s.enqueue({ kind: 'deliver', orderKey: 'o-3', payload: {} }))?.jobId, 3, 'the job counter came along')
  t.same(await s.remember('inbound', 'req-1', { status: 500 }, 60_000), { value: { status: 202 }, created: false })
  t.same((await s.claimDueTimers(T0 + 1, 10, 1000)).timers, [{ key: 'idle:1', kind: 'idle', dueAt: T0, payload: { x: 1 }, claim: T0 + 1001 }], 'the due-timer index came along')
  t.same((await s.listSigningKeys()).map(k => k.kid), ['kid-1'])
  t.same(await s.getDoc('sandbox', 'secrets'), { consoleToken: 'kept' })
  t.equal(await s.tryLease('poller', 'instance-b', 1000), false, 'a held lease is still held')
  t.equal((await s.insertMessage({ messageId: 'm-3', threadId: 'th-1', channelId: 'ch-a', direction: 'inbound', text: 'x', attachments: [], createdAt: T0 + 30 })).message.seq, 3)
  t.equal((await s.insertMessage({ messageId: 'm-1', threadId: 'th-1', channelId: 'ch-a', direction: 'inbound', text: 'again', attachments: [], createdAt: T0 + 40 })).created, false, 'message dedupe still holds')
}

const layout2Store = (t: Test) => seededPrefix(t, writeLayout2)

t.test('a layout-2 Redis store is moved under the hash tag once at connect, by one of several instances', async t => {
  const { url, admin, P } = await layout2Store(t)
  const untagged = (await admin.keys(`${P}*`)).length

  const stores = await Promise.all([1, 2, 3].map(() => RedisStore.connect(url, P)))
  t.teardown(() => Promise.all(stores.map(s => s.close())))
  t.equal(await admin.get(`{${P}}schema`), '3')
  t.same(await admin.keys(`${P}*`), [`${P}eu:schema`], 'only the other deployment\'s key is left under the bare prefix')
  t.equal((await admin.keys(`{${P}}*`)).length, untagged - 1, 'every other key moved, none lost')
  t.equal(await admin.exists(`{${P}}lease:store-layout-migration`), 0, 'the migration lease is released')
  t.ok(await admin.pttl(`{${P}}idem:${IDEM}`) > 0, 'an idempotency key keeps its TTL')
  t.ok(await admin.pttl(`{${P}}authfail:10.0.0.9`) > 0, 'an auth-failure window keeps its TTL')
  await checkCarriedOver(t, stores[2])
})

t.test('a move cut off midway is finished by the next start', async t => {
  const { url, admin, P } = await layout2Store(t)
  // as if a first run moved the version key and a thread and died: the version under the tag still says 2
  for (const name of ['schema', `t:${TKEY}`, 'jobs']) await admin.rename(P + name, `{${P}}${name}`)
  const s = await RedisStore.connect(url, P)
  t.teardown(() => s.close())
  t.equal(await admin.get(`{${P}}schema`), '3')
  await checkCarriedOver(t, s)
})

t.test('a prefix that cannot be a hash tag is refused at connect', async t => {
  const url = await redisUrl()
  await t.rejects(RedisStore.connect(url, ''), /non-empty/)
  await t.rejects(RedisStore.connect(url, '}x:'), /hash tag/)
})
