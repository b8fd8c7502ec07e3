import t from 'tap'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { SqliteStore } from '../../core/store/sqlite.js'
import { testDir } from '../test-dir.js'

// Group commit (core/store/sqlite-sql.ts): the writes of one event-loop turn share one transaction. What must hold:
// each caller is answered only once its write is committed (another connection sees it), and one failing call does
// not take the others of its turn down.

const message = (i: number, threadId = 'th-1') => ({
  messageId: `m-${i}`, threadId, channelId: 'ch', direction: 'outbound' as const, text: `hello ${i}`, attachments: [], createdAt: 1_000 + i
})

t.test('every caller of a turn is answered after the commit: another connection already sees its write', async t => {
  const file = join(testDir(t), 'hub.db')
  const store = new SqliteStore(file)
  const reader = new Database(file, { readonly: true })
  t.teardown(async () => { reader.close(); await store.close() })
  await store.openThread('ch', 'c1', 'th-1')
  const count = reader.prepare('SELECT COUNT(*) AS n FROM messages WHERE message_id = ?')
  const seenAtAnswer: number[] = []
  // fifty calls in one turn: one transaction; each answer checks, at that moment, what a second connection sees
  await Promise.all(Array.from({ length: 50 }, (_, i) => store.insertMessage(message(i), { kind: 'platform.deliver', orderKey: 'k', dedupeKey: `d-${i}`, payload: { i } })
    .then(() => { seenAtAnswer.push((count.get(`m-${i}`) as { n: number }).n) })))
  t.equal(seenAtAnswer.length, 50)
  t.ok(seenAtAnswer.every(n => n === 1), 'no answer came before its row was committed')
  t.equal((reader.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n, 50, 'the jobs committed with their messages')
  const seqs = (reader.prepare('SELECT seq FROM messages ORDER BY seq').all() as Array<{ seq: number }>).map(r => r.seq)
  t.same(seqs, Array.from({ length: 50 }, (_, i) => i + 1), 'seq gap-free inside the shared transaction')
})

t.test('a failing call does not take its neighbours in the turn down', async t => {
  const file = join(testDir(t), 'hub.db')
  const store = new SqliteStore(file)
  const reader = new Database(file, { readonly: true })
  t.teardown(async () => { reader.close(); await store.close() })
  await store.openThread('ch', 'c1', 'th-1')
  const later = Date.now() + 60_000
  const results = await Promise.allSettled([
    store.insertMessage(message(1)),
    // no such thread: insertMessage throws inside its transaction (a savepoint in the turn's), after enqueueing its job
    store.insertMessage(message(2, 'th-missing'), { kind: 'platform.deliver', orderKey: 'x', dedupeKey: 'lost', payload: {} }),
    store.insertMessage(message(3)),
    store.touchThread('ch', 'th-1', later)
  ])
  t.same(results.map(r => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
  const ids = (reader.prepare('SELECT message_id FROM messages ORDER BY seq').all() as Array<{ message_id: string }>).map(r => r.message_id)
  t.same(ids, ['m-1', 'm-3'], 'both neighbours are stored')
  t.equal((reader.prepare("SELECT COUNT(*) AS n FROM jobs WHERE dedupe_key = 'lost'").get() as { n: number }).n, 0, 'the failed call left nothing behind')
  t.equal((reader.prepare("SELECT last_activity_at AS at FROM threads WHERE thread_id = 'th-1'").get() as { at: number }).at, later)
})

t.test('reads after a write in the same turn wait for its commit, and see it', async t => {
  const file = join(testDir(t), 'hub.db')
  const store = new SqliteStore(file)
  const reader = new Database(file, { readonly: true })
  t.teardown(async () => { reader.close(); await store.close() })
  await store.openThread('ch', 'c1', 'th-1')
  const write = store.insertMessage(message(1))
  const read = store.getMessage('ch', 'm-1').then(m => ({ m, committed: (reader.prepare("SELECT COUNT(*) AS n FROM messages WHERE message_id = 'm-1'").get() as { n: number }).n }))
  const [, { m, committed }] = await Promise.all([write, read])
  t.equal(m?.text, 'hello 1')
  t.equal(committed, 1, 'the read was answered only once what it saw was durable')
})

t.test('close commits what the last turn wrote', async t => {
  const file = join(testDir(t), 'hub.db')
  const store = new SqliteStore(file)
  await store.openThread('ch', 'c1', 'th-1')
  const pending = store.insertMessage(message(1))
  await store.close()
  await pending
  const reader = new Database(file, { readonly: true })
  t.teardown(() => reader.close())
  t.equal((reader.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n, 1)
})
