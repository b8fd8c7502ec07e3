import t from 'tap'
import { join } from 'node:path'
import { SqliteStore } from '../../../core/store/sqlite.js'
import { createTokenSource } from '../../../core/cxone/token-client.js'
import type { Store } from '../../../core/store/types.js'
import { startFakeCxone, type FakeCxone } from './fake-cxone.js'
import { testDir } from '../../test-dir.js'

const pair = (fake: FakeCxone, a: Store, b: Store): Array<ReturnType<typeof createTokenSource>> =>
  [a, b].map(store => createTokenSource({ authUrl: fake.authUrl, accessKeyId: 'k', accessKeySecret: 's', timeoutMs: 5000, store, sharedPollMs: 20 }))

t.test('two token sources on one SQLite file share one token fetch', async t => {
  const fake = await startFakeCxone(t)
  fake.tokenDelayMs = 200 // the second source finds the lease held and waits for the doc
  const file = join(testDir(t), 'hub.db')
  // two connections to one file, as two hub processes on one machine would have
  const storeA = new SqliteStore(file)
  const storeB = new SqliteStore(file)
  t.teardown(async () => { await storeA.close(); await storeB.close() })
  const [a, b] = pair(fake, storeA, storeB)

  const [ta, tb] = await Promise.all([a!.get(), b!.get()])
  t.equal(ta, 'tok-1')
  t.equal(tb, 'tok-1')
  t.equal(fake.tokenRequests.length, 1)
  t.match(await storeA.getDoc('cxone-token', 'current'), { accessToken: 'tok-1', expiresAt: Number, obtainedAt: Number })

  // both instances see the same 401: only one of them fetches, the other reads the new doc
  const [ra, rb] = await Promise.all([a!.refresh('tok-1'), b!.refresh('tok-1')])
  t.equal(ra, 'tok-2')
  t.equal(rb, 'tok-2')
  t.equal(fake.tokenRequests.length, 2)
})

t.test('a source that starts later reuses the shared token without fetching', async t => {
  const fake = await startFakeCxone(t)
  const store = new SqliteStore(join(testDir(t), 'hub.db'))
  t.teardown(() => store.close())
  const [a, b] = pair(fake, store, store)
  t.equal(await a!.get(), 'tok-1')
  t.equal(await b!.get(), 'tok-1')
  t.equal(fake.tokenRequests.length, 1)
  t.type(b!.lastObtainedAt, 'number')
})

t.test('a failing shared store falls back to fetching directly', async t => {
  const fake = await startFakeCxone(t)
  const store = new SqliteStore(':memory:')
  await store.close() // every call now throws
  const warnings: string[] = []
  const log = { warn: (_o: unknown, msg: string) => warnings.push(msg), info: () => undefined } as never
  const tokens = createTokenSource({ authUrl: fake.authUrl, accessKeyId: 'k', accessKeySecret: 's', timeoutMs: 5000, store, log })
  t.equal(await tokens.get(), 'tok-1')
  t.match(warnings, [/shared cache unavailable/])
})
