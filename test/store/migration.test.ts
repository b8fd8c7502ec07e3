import t, { type Test } from 'tap'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Redis } from 'ioredis'
import { SqliteStore } from '../../core/store/sqlite.js'
import { RedisStore } from '../../core/store/redis.js'
import { SQLITE_SCHEMA_VERSION } from '../../core/store/sqlite-schema.js'
import type { Store } from '../../core/store/types.js'
import { seededPrefix } from './redis-server.js'
import { testDir } from '../test-dir.js'

/*
 * Stores written by the first release (global thread and message ids, one open thread per customer) open with the
 * current drivers: the data is carried over, keyed by channel. The old layouts are written here directly, as the
 * old code wrote them, so the test does not depend on that code still existing.
 */

const T0 = 1_700_000_000_000

/** What both old fixtures hold: Ann's closed and open threads on ch-a, Bob's open thread on ch-b. */
async function checkCarriedOver (t: Test, s: Store): Promise<void> {
  t.match(await s.getThread('ch-a', 'th-old'), { customerId: 'ann', status: 'closed', closedReason: 'agent', createdAt: T0 })
  t.match(await s.getThread('ch-a', 'th-open'), { customerId: 'ann', status: 'open', lastActivityAt: T0 + 20, contactId: '42' })
  t.match(await s.getThread('ch-b', 'th-bob'), { customerId: 'bob', status: 'open' })
  t.equal(await s.getThread('ch-b', 'th-open'), undefined, 'a thread lives on its own channel only')
  t.equal((await s.findCurrentThread('ch-a', 'ann'))?.threadId, 'th-open')
  t.same((await s.listMessages('ch-a', 'th-open')).map(m => [m.messageId, m.seq, m.status]), [['m-1', 1, 'sent'], ['m-2', 2, 'accepted']])
  t.match(await s.getMessage('ch-a', 'm-1'), { threadId: 'th-open', channelId: 'ch-a', text: 'hello', direction: 'inbound' })
  t.equal(await s.getMessage('ch-b', 'm-1'), undefined)
  t.same((await s.listThreads({})).map(x => x.threadId), ['th-old', 'th-open', 'th-bob'])
  t.same((await s.listThreads({ channelId: 'ch-a', status: 'open' })).map(x => x.threadId), ['th-open'])
  t.equal(await s.countOpenThreads('ch-a'), 1)

  // the migrated store works on: the next seq, a second open thread, the same ids on another channel
  t.equal((await s.insertMessage({ messageId: 'm-3', threadId: 'th-open', channelId: 'ch-a', direction: 'outbound', text: 'x', attachments: [], createdAt: T0 + 30 })).message.seq, 3)
  t.equal((await s.insertMessage({ messageId: 'm-1', threadId: 'th-open', channelId: 'ch-a', direction: 'inbound', text: 'again', attachments: [], createdAt: T0 + 40 })).created, false, 'dedupe still holds')
  t.equal((await s.openThread('ch-b', 'cy', 'th-open', T0)).created, true, 'another channel may now use the id')
  t.equal((await s.startThread('ch-a', 'ann', 'th-direct', T0 + 50)).created, true)
  t.equal((await s.findCurrentThread('ch-a', 'ann'))?.threadId, 'th-direct')
  t.equal(await s.closeThread('ch-a', 'th-open', 'idle'), true)
  t.equal(await s.closeThread('ch-a', 'th-open', 'idle'), false)
}

// ---- SQLite: the first release's DDL for threads and messages (the other tables are unchanged)
const SQLITE_V1 = `
CREATE TABLE threads (
  thread_id TEXT PRIMARY KEY, channel_id TEXT NOT NULL, customer_id TEXT NOT NULL, status TEXT NOT NULL,
  closed_reason TEXT, created_at INTEGER NOT NULL, last_activity_at INTEGER NOT NULL, contact_id TEXT,
  next_seq INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX threads_one_open ON threads (channel_id, customer_id) WHERE status = 'open';
CREATE INDEX threads_by_customer ON threads (channel_id, customer_id, created_at);
CREATE TABLE messages (
  message_id TEXT PRIMARY KEY, thread_id TEXT NOT NULL, channel_id TEXT NOT NULL, direction TEXT NOT NULL,
  seq INTEGER NOT NULL, text TEXT NOT NULL, attachments TEXT NOT NULL, author_name TEXT, created_at INTEGER NOT NULL,
  status TEXT NOT NULL, raw TEXT,
  UNIQUE (thread_id, seq)
);
CREATE TABLE jobs (
  job_id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, order_key TEXT NOT NULL, dedupe_key TEXT UNIQUE,
  payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL, run_at INTEGER NOT NULL,
  lease_owner TEXT, lease_until INTEGER, last_error TEXT, created_at INTEGER NOT NULL
);
INSERT INTO threads VALUES ('th-old', 'ch-a', 'ann', 'closed', 'agent', ${T0}, ${T0 + 5}, NULL, 1);
INSERT INTO threads VALUES ('th-open', 'ch-a', 'ann', 'open', NULL, ${T0 + 10}, ${T0 + 20}, '42', 3);
INSERT INTO threads VALUES ('th-bob', 'ch-b', 'bob', 'open', NULL, ${T0 + 15}, ${T0 + 15}, NULL, 1);
INSERT INTO messages VALUES ('m-1', 'th-open', 'ch-a', 'inbound', 1, 'hello', '[]', 'Ann', ${T0 + 11}, 'sent', NULL);
INSERT INTO messages VALUES ('m-2', 'th-open', 'ch-a', 'outbound', 2, 'hi Ann', '[]', NULL, ${T0 + 20}, 'accepted', '{"kept":true}');
INSERT INTO jobs (kind, order_key, dedupe_key, payload, state, run_at, created_at) VALUES ('k', 'o', 'd', '{}', 'pending', 0, 0);
`

t.test('a SQLite file of the first release opens with ids keyed by channel', async t => {
  const file = join(testDir(t), 'v1.db')
  const old = new Database(file)
  old.exec(SQLITE_V1)
  old.close()

  // two connections open it at once: one migrates, the other finds it done
  const [a, b] = [new SqliteStore(file), new SqliteStore(file)]
  t.teardown(async () => { await a.close(); await b.close() })
  await checkCarriedOver(t, a)
  t.same((await b.getMessage('ch-a', 'm-2'))?.raw, { kept: true }, 'the second connection reads the migrated data')
  t.equal((await a.listJobs({})).length, 1, 'the other tables are kept')

  const raw = new Database(file, { readonly: true })
  t.teardown(() => raw.close())
  t.equal(raw.pragma('user_version', { simple: true }), SQLITE_SCHEMA_VERSION)
  const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%_v1'").all() as Array<{ name: string }>
  t.same(tables, [], 'no leftover tables')
  t.equal((raw.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'threads_one_open'").get() as { n: number }).n, 0, 'one open thread per customer is no longer a constraint')
})

t.test('a version-3 SQLite file keeps its timers and gains their claim column', async t => {
  const file = join(testDir(t), 'v3.db')
  const old = new Database(file)
  // the version-3 timers table, as that release made it (no claimed_until)
  old.exec('CREATE TABLE timers (key TEXT PRIMARY KEY, kind TEXT NOT NULL, due_at INTEGER NOT NULL, payload TEXT NOT NULL)')
  old.prepare('INSERT INTO timers VALUES (?, ?, ?, ?)').run('idle:recorder|th-1', 'idle-warning', T0, JSON.stringify({ threadId: 'th-1' }))
  old.pragma('user_version = 3')
  old.close()

  const s = new SqliteStore(file)
  t.teardown(() => s.close())
  t.same(await s.getTimer('idle:recorder|th-1'), { key: 'idle:recorder|th-1', kind: 'idle-warning', dueAt: T0, payload: { threadId: 'th-1' } })
  const { timers } = await s.claimDueTimers(T0, 10, 1000)
  t.same(timers.map(x => [x.key, x.claim]), [['idle:recorder|th-1', T0 + 1000]], 'the old timer is claimed like a new one')
  t.equal(await s.completeTimers(timers), 1)
})

t.test('a SQLite file of schema 3 gains customers.locale, keeping its customers', async t => {
  const file = join(testDir(t), 'v3.db')
  const first = new SqliteStore(file)
  await first.upsertCustomer({ channelId: 'ch-1', customerId: 'old', name: 'Old Oryx' })
  await first.close()
  const db = new Database(file)
  db.exec('ALTER TABLE customers DROP COLUMN locale') // the table as schema 3 made it
  db.pragma('user_version = 3')
  db.close()

  const store = new SqliteStore(file)
  t.teardown(() => store.close())
  t.match(await store.getCustomer('ch-1', 'old'), { name: 'Old Oryx' }, 'the customer is still there')
  t.equal((await store.getCustomer('ch-1', 'old'))?.locale, undefined)
  t.equal((await store.upsertCustomer({ channelId: 'ch-1', customerId: 'old', name: 'Old Oryx', locale: 'fr' })).locale, 'fr', 'and can keep a language')
  const raw = new Database(file, { readonly: true })
  t.teardown(() => raw.close())
  t.equal(raw.pragma('user_version', { simple: true }), SQLITE_SCHEMA_VERSION)
})

t.test('a SQLite file from a newer release is refused', async t => {
  const file = join(testDir(t), 'future.db')
  const db = new Database(file)
  db.pragma('user_version = 99')
  db.close()
  t.throws(() => new SqliteStore(file), /schema version 99/)
})

// ---- Redis: the first release's key layout, written key by key
const pair = (a: string, b: string): string => JSON.stringify([a, b])

async function writeRedisV1 (r: Redis, P: string): Promise<void> {
  const thread = async (tid: string, ch: string, cu: string, f: Record<string, string | number>, createdAt: number): Promise<void> => {
    await r.hset(`${P}t:${tid}`, { channelId: ch, customerId: cu, createdAt, lastSeq: 0, pair: pair(ch, cu), ...f })
    await r.zadd(`${P}threads`, createdAt, tid)
    await r.zadd(`${P}threads-ch:${ch}`, createdAt, tid)
    await r.zadd(`${P}threads-cu:${pair(ch, cu)}`, createdAt, tid)
    if (f.status === 'open') {
      await r.zadd(`${P}threads-open:${ch}`, createdAt, tid)
      await r.set(`${P}open:${pair(ch, cu)}`, tid)
    }
  }
  await thread('th-old', 'ch-a', 'ann', { status: 'closed', closedReason: 'agent', lastActivityAt: T0 + 5 }, T0)
  await thread('th-open', 'ch-a', 'ann', { status: 'open', lastActivityAt: T0 + 20, contactId: '42', lastSeq: 2 }, T0 + 10)
  await thread('th-bob', 'ch-b', 'bob', { status: 'open', lastActivityAt: T0 + 15 }, T0 + 15)
  const message = async (mid: string, seq: number, status: string, doc: Record<string, unknown>): Promise<void> => {
    await r.hset(`${P}m:${mid}`, { doc: JSON.stringify({ messageId: mid, threadId: 'th-open', channelId: 'ch-a', attachments: [], ...doc }), seq, status })
    await r.zadd(`${P}tm:th-open`, seq, mid)
  }
  await message('m-1', 1, 'sent', { direction: 'inbound', text: 'hello', authorName: 'Ann', createdAt: T0 + 11 })
  await message('m-2', 2, 'accepted', { direction: 'outbound', text: 'hi Ann', createdAt: T0 + 20, raw: { kept: true } })
}

/** A fresh key prefix holding the first release's layout; its keys deleted when the test ends. */
const oldRedisStore = (t: Test) => seededPrefix(t, writeRedisV1)

t.test('a Redis store of the first release is rewritten once at connect, by one of several instances', async t => {
  const { url, admin, P } = await oldRedisStore(t)

  const stores = await Promise.all([1, 2, 3].map(() => RedisStore.connect(url, P)))
  t.teardown(() => Promise.all(stores.map(s => s.close())))
  t.equal(await admin.get(`{${P}}schema`), '3', 'layout 1 -> 2 -> 3 in one start')
  t.same(await admin.keys(`${P}*`), [], 'no key left under the untagged prefix')
  t.equal(await admin.exists(`{${P}}lease:store-layout-migration`), 0, 'the migration lease is released')
  await checkCarriedOver(t, stores[1])

  // a later start finds the layout current and changes nothing
  const before = (await admin.keys(`*${P}*`)).sort()
  const again = await RedisStore.connect(url, P)
  t.teardown(() => again.close())
  t.same((await admin.keys(`*${P}*`)).sort(), before)
})

t.test('a Redis migration cut off midway is finished by the next start', async t => {
  const { url, admin, P } = await oldRedisStore(t)
  // as if a first run moved m-1 and died: its message key is new, everything else old, no version key
  await admin.rename(`${P}m:m-1`, `${P}m:${pair('ch-a', 'm-1')}`)
  const s = await RedisStore.connect(url, P)
  t.teardown(() => s.close())
  await checkCarriedOver(t, s)
})
