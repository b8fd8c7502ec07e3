import t from 'tap'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { SqliteStore } from '../../core/store/sqlite.js'
import { SQLITE_SCHEMA_VERSION } from '../../core/store/sqlite-schema.js'
import { testDir } from '../test-dir.js'

const HOUR = 3600_000

/** Rows as the file holds them, read through a connection of its own. */
function idempotencyKeys (file: string): string[] {
  const db = new Database(file, { readonly: true })
  try {
    return (db.prepare('SELECT scope, key FROM idempotency ORDER BY scope, key').all() as Array<{ scope: string, key: string }>).map(r => `${r.scope}/${r.key}`)
  } finally { db.close() }
}

t.test('a purge deletes expired idempotency rows and keeps live ones', async t => {
  const file = join(testDir(t), 'hub.db')
  const store = new SqliteStore(file)
  t.teardown(() => store.close())
  const now = Date.now()
  // a webhook answer kept 26 h, remember() keys of a minute and of a day
  await store.remember('webhook:acme:/events', 'evt-old', { answer: 1 }, 60_000)
  await store.remember('remember:acme', 'k-old', true, 60_000)
  await store.remember('webhook:acme:/events', 'evt-live', { answer: 2 }, 26 * HOUR)
  await store.remember('remember:acme', 'k-live', true, 24 * HOUR)

  t.equal(await store.purgeExpired(now), 0, 'nothing has expired yet')
  t.equal(idempotencyKeys(file).length, 4)

  // two hours on: the minute-long rows are past their expiry, the day-long ones are not
  t.equal(await store.purgeExpired(now + 2 * HOUR), 2, 'two expired rows deleted')
  t.same(idempotencyKeys(file), ['remember:acme/k-live', 'webhook:acme:/events/evt-live'], 'live rows stay, in the file')
  t.same(await store.recall('webhook:acme:/events', 'evt-live'), { answer: 2 }, 'and still answer')
  t.same((await store.remember('remember:acme', 'k-live', false, HOUR)).created, false, 'a live key is still known')
  t.same((await store.remember('remember:acme', 'k-old', 'again', HOUR)).created, true, 'a purged key is new again')
})

t.test('a backlog is deleted in bounded batches over several rounds', async t => {
  const file = join(testDir(t), 'hub.db')
  const store = new SqliteStore(file, { expiryPurge: { batchSize: 100, maxBatches: 3 } })
  t.teardown(() => store.close())
  const now = Date.now()
  for (let i = 0; i < 750; i++) await store.remember('webhook:acme:/events', `evt-${i}`, i, 1000)
  await store.remember('webhook:acme:/events', 'evt-live', 'kept', 26 * HOUR)

  const later = now + HOUR
  t.equal(await store.purgeExpired(later), 300, 'one round: at most 3 batches of 100')
  t.equal(await store.purgeExpired(later), 300, 'the next round goes on')
  t.equal(await store.purgeExpired(later), 150, 'the last takes the rest (a short batch ends the round)')
  t.equal(await store.purgeExpired(later), 0, 'then nothing is left to purge')
  t.same(idempotencyKeys(file), ['webhook:acme:/events/evt-live'], 'only the live row is left')
})

t.test('the store purges by itself on its interval, and stops on close', async t => {
  const file = join(testDir(t), 'hub.db')
  const store = new SqliteStore(file, { expiryPurge: { intervalMs: 20 } })
  await store.remember('remember:acme', 'k-short', true, 1)
  await store.remember('remember:acme', 'k-live', true, 24 * HOUR)
  // polls the file until the expired row is gone: no fixed sleep, just a generous limit
  const deadline = Date.now() + 30_000
  while (idempotencyKeys(file).includes('remember:acme/k-short') && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20))
  t.same(idempotencyKeys(file), ['remember:acme/k-live'], 'the expired row went without a call; the live one stayed')
  await store.close()
  t.equal(await store.purgeExpired(), 0, 'after close no round touches the file')
})

t.test('a version-2 file gains the expiry index when opened', async t => {
  const file = join(testDir(t), 'v2.db')
  const first = new SqliteStore(file)
  await first.close()
  const db = new Database(file)
  db.exec('DROP INDEX idempotency_expiry')
  db.pragma('user_version = 2')
  db.close()

  const store = new SqliteStore(file)
  t.teardown(() => store.close())
  const raw = new Database(file, { readonly: true })
  t.teardown(() => raw.close())
  t.equal(raw.pragma('user_version', { simple: true }), SQLITE_SCHEMA_VERSION)
  t.ok(raw.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'idempotency_expiry'").get(), 'index created')
  const plan = raw.prepare('EXPLAIN QUERY PLAN SELECT rowid FROM idempotency WHERE expires_at <= ? LIMIT ?').all(Date.now(), 10) as Array<{ detail: string }>
  t.match(plan.map(p => p.detail).join(' '), /idempotency_expiry/, 'the purge reads the index, not the whole table')
})
