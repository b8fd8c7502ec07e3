import t from 'tap'
import { join } from 'node:path'
import { SqliteStore } from '../../core/store/sqlite.js'
import { readFileSync, existsSync } from 'node:fs'
import { runSharedStoreConformance, runStoreConformance } from './conformance/index.js'
import { privacyConformance } from './conformance/privacy.js'
import type { Store } from '../../core/store/types.js'

let n = 0

await runStoreConformance(t, 'sqlite', async t => new SqliteStore(join(t.testdir(), `store-${++n}.db`)))

await runSharedStoreConformance(t, 'sqlite, two connections on one file', async t => {
  const file = join(t.testdir(), 'shared.db')
  return [new SqliteStore(file), new SqliteStore(file)]
})

// the privacy suite greps the file and its WAL for what erasure must have left no bytes of
const files = new WeakMap<Store, string>()
const fileBytes = async (s: Store): Promise<string> => [files.get(s)!, files.get(s)! + '-wal']
  .filter(f => existsSync(f)).map(f => readFileSync(f).toString('latin1')).join('\n')
t.test('privacy', async t => privacyConformance(t, async t => {
  const path = join(t.testdir(), `privacy-${++n}.db`)
  const s = new SqliteStore(path)
  files.set(s, path)
  return s
}, fileBytes))

t.test('a store on :memory: works', async t => {
  const s = new SqliteStore(':memory:')
  t.teardown(() => s.close())
  t.equal((await s.openThread('ch', 'c', 'th')).created, true)
})
