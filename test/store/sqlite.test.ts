import t, { type Test } from 'tap'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { SqliteStore } from '../../core/store/sqlite.js'
import { readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { runSharedStoreConformance, runStoreConformance } from './conformance/index.js'
import { privacyConformance } from './conformance/privacy.js'
import type { Store } from '../../core/store/types.js'

let n = 0

/**
 * A folder for one subtest's store files, removed after the store is closed (teardowns run last-registered first).
 * Not tap's testdir: its removal failed once in CI with ENOTEMPTY (a file still appearing in the folder as it was
 * removed, on a loaded machine); rmSync retries that.
 */
function storeDir (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'byoc-store-test-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }))
  return dir
}

await runStoreConformance(t, 'sqlite', async t => new SqliteStore(join(storeDir(t), `store-${++n}.db`)))

await runSharedStoreConformance(t, 'sqlite, two connections on one file', async t => {
  const file = join(storeDir(t), 'shared.db')
  return [new SqliteStore(file), new SqliteStore(file)]
})

// the privacy suite greps the file and its WAL for what erasure must have left no bytes of
const files = new WeakMap<Store, string>()
const fileBytes = async (s: Store): Promise<string> => [files.get(s)!, files.get(s)! + '-wal']
  .filter(f => existsSync(f)).map(f => readFileSync(f).toString('latin1')).join('\n')
t.test('privacy', async t => privacyConformance(t, async t => {
  const path = join(storeDir(t), `privacy-${++n}.db`)
  const s = new SqliteStore(path)
  files.set(s, path)
  return s
}, fileBytes))

t.test('a store on :memory: works', async t => {
  const s = new SqliteStore(':memory:')
  t.teardown(() => s.close())
  t.equal((await s.openThread('ch', 'c', 'th')).created, true)
})
