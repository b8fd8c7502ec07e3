import type { Test } from 'tap'
import { rmSync } from 'node:fs'

/**
 * tap's `t.testdir`, removed after the test's own teardowns and with retries. tap removes a testdir in the test's
 * onEOF, and that runs *before* the teardowns when `t.testdir` is called before the test's first `t.teardown`
 * (each wraps onEOF in turn): a hub, SQLite store or Redis was then still writing in the folder as it went, and CI
 * failed on ENOTEMPTY. Teardowns run last-registered first, so this removal, registered as the folder is made,
 * runs after the teardowns of what is later started in it (the stores, hubs and processes that write there).
 */
export function testDir (t: Test, content: Parameters<Test['testdir']>[0] = {}): string {
  t.saveFixture = true // tap's own removal off: the teardown below removes it
  const dir = t.testdir(content)
  t.teardown(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }))
  return dir
}
