import type { Test } from 'tap'
import { join } from 'node:path'
import { startSandbox } from '../../../core/sandbox/index.js'
import { SANDBOX_TENANT_ID } from '../../../core/sandbox/tokens.js'
import { SqliteStore } from '../../../core/store/sqlite.js'
import { CLIENT, TEST_CONSOLE_TOKEN, startHub, type StartedHub } from '../../helper.js'
import { startFakePlatform } from '../../fake-platform.js'
import { testDir } from '../../test-dir.js'

export const ACCESS = { accessKeyId: 'live-ak', accessKeySecret: 'live-as' }
export { SANDBOX_TENANT_ID }

/**
 * A hub in live mode against a standalone sandbox that plays the CXone tenant, given only what a live deployment is
 * given (tenant id, discovery URL, access key); the sandbox calls the hub back at its box URL.
 */
export async function liveHubOnSandbox (t: Test, cxone: Record<string, unknown> = {}): Promise<{ hub: StartedHub, sandboxUrl: string, platform: Awaited<ReturnType<typeof startFakePlatform>> }> {
  const dir = testDir(t, {})
  const sandboxStore = new SqliteStore(join(dir, 'sandbox.db'))
  let box = 'http://127.0.0.1:9/unset'
  const sandbox = await startSandbox({
    consoleToken: TEST_CONSOLE_TOKEN, store: sandboxStore, port: 0,
    hub: {
      boxUrl: () => box, tokenUrl: () => `${box}/1.0/token`, ...CLIENT,
      actionUrls: () => ({ add: `${box}/actions/add`, reconnect: `${box}/actions/reconnect`, remove: `${box}/actions/remove` })
    },
    ...ACCESS, tokenTtlMs: 3_600_000, brandId: 7, channels: [{ id: 'chat_recorder', name: 'Recorder' }]
  })
  t.teardown(async () => { await sandbox.close(); await sandboxStore.close() })
  const platform = await startFakePlatform(t)
  const hub = await startHub(t, {
    cxone: { mode: 'live', tenantId: SANDBOX_TENANT_ID, discoveryUrl: sandbox.url, ...ACCESS, ...cxone },
    channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', name: 'Recorder', config: { deliverUrl: platform.url } }]
  }, { dir })
  box = hub.box
  return { hub, sandboxUrl: sandbox.url, platform }
}
