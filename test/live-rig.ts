import { join } from 'node:path'
import type { Test } from 'tap'
import { startSandbox } from '../core/sandbox/index.js'
import { SqliteStore } from '../core/store/sqlite.js'
import { CLIENT, TEST_CONSOLE_TOKEN, startHub, type StartedHub } from './helper.js'
import { testDir } from './test-dir.js'

/** the access key the hub presents to the stand-in CXone */
export const LIVE_KEY = { accessKeyId: 'live-key', accessKeySecret: 'live-secret-0123456789' }

export interface LiveRig {
  /** the hub, in live mode: it mounts no sandbox of its own (its `sandboxUrl` is unused) */
  hub: StartedHub
  /** the stand-in CXone, served alone as `byoc-hub sandbox` serves it; ends in /sandbox */
  cxoneUrl: string
}

/**
 * A hub in live mode against a CXone stand-in on its own listener: the sandbox served standalone (its state in a
 * SQLite file of its own), the hub reaching it only through cxone.authUrl/apiBaseUrl, the stand-in calling the hub
 * back at its Integration Box URL, both on port 0. `overrides` are merged into the hub's test config
 * (test/helper.ts testConfig), e.g. channels or rules.
 */
export async function startLiveRig (t: Test, overrides: Record<string, unknown> = {}): Promise<LiveRig> {
  const dir = testDir(t, {})
  const store = new SqliteStore(join(dir, 'cxone.db'))
  // the hub's URL is known only once it listens, after the stand-in does: the stand-in asks for it late
  let box = ''
  const cxone = await startSandbox({
    consoleToken: TEST_CONSOLE_TOKEN, store, port: 0, ...LIVE_KEY, tokenTtlMs: 3_600_000, brandId: 4242,
    hub: { boxUrl: () => box, tokenUrl: () => `${box}/1.0/token`, ...CLIENT },
    channels: [{ id: 'chat_watering-hole', name: 'The Watering Hole' }]
  })
  t.teardown(async () => { await cxone.close(); await store.close() })
  const cxoneOverrides = (overrides.cxone ?? {}) as Record<string, unknown>
  const hub = await startHub(t, {
    ...overrides,
    cxone: { mode: 'live', authUrl: `${cxone.url}/auth/token`, apiBaseUrl: cxone.url, ...LIVE_KEY, ...cxoneOverrides }
  }, { dir })
  box = hub.box
  return { hub, cxoneUrl: cxone.url }
}
