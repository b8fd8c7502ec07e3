import { join } from 'node:path'
import type { Test } from 'tap'
import { startSandbox } from '../../../core/sandbox/index.js'
import { SqliteStore } from '../../../core/store/sqlite.js'
import { CLIENT, TEST_CONSOLE_TOKEN, startHub, type StartedHub } from '../../helper.js'

const ACCESS = { accessKeyId: 'wh-live-ak', accessKeySecret: 'wh-live-as-0123456789' }

/**
 * The hub in live mode against a CXone stand-in: the sandbox served on its own (as `byoc-hub sandbox` runs it), with
 * its own store, reached only over HTTP like a tenant. `sandboxUrl` is the stand-in's (console API at
 * /console/api). A minimal rig for this folder; test/live-rig.ts is the general one.
 */
export async function startLiveHub (t: Test, overrides: Record<string, unknown>): Promise<StartedHub> {
  const dir = t.testdir({})
  const cxoneStore = new SqliteStore(join(dir, 'cxone.db'))
  let box = ''
  const cxone = await startSandbox({
    consoleToken: TEST_CONSOLE_TOKEN, store: cxoneStore,
    hub: { boxUrl: () => box, tokenUrl: () => `${box}/1.0/token`, clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret },
    ...ACCESS,
    tokenTtlMs: 3_600_000,
    brandId: 1,
    channels: [{ id: 'chat_watering-hole', name: 'The Watering Hole' }]
  })
  t.teardown(async () => { await cxone.close(); await cxoneStore.close() })
  const hub = await startHub(t, {
    cxone: { mode: 'live', authUrl: `${cxone.url}/auth/token`, apiBaseUrl: cxone.url, ...ACCESS, threadStatusInterval: '1s' },
    ...overrides
  }, { dir })
  box = hub.box
  return { ...hub, sandboxUrl: cxone.url }
}
