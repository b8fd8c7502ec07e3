import t from 'tap'
import { join } from 'node:path'
import { SqliteStore } from '../../core/store/sqlite.js'
import { runSharedStoreConformance, runStoreConformance } from './conformance/index.js'

let n = 0

await runStoreConformance(t, 'sqlite', async t => new SqliteStore(join(t.testdir(), `store-${++n}.db`)))

await runSharedStoreConformance(t, 'sqlite, two connections on one file', async t => {
  const file = join(t.testdir(), 'shared.db')
  return [new SqliteStore(file), new SqliteStore(file)]
})

t.test('a store on :memory: works', async t => {
  const s = new SqliteStore(':memory:')
  t.teardown(() => s.close())
  t.equal((await s.openThread('ch', 'c', 'th')).created, true)
})
