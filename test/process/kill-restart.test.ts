import t from 'tap'
import { join } from 'node:path'
import { SqliteStore } from '../../core/store/sqlite.js'
import { startSandbox } from '../../core/sandbox/index.js'
import { CLIENT, ROOT, http, eventually, TEST_CONSOLE_TOKEN } from '../helper.js'
import { setFaults, waitForSandboxMessages } from '../sandbox-view.js'
import { freePort, spawnHub, writeHubConfig } from './spawn-hub.js'
import { testDir } from '../test-dir.js'

t.test('a hub killed (-9) between accepting and delivering delivers the message once after restart', async t => {
  const dir = testDir(t, {})
  const sandboxStore = new SqliteStore(join(dir, 'sandbox.db'))
  const port = await freePort()
  const sandbox = await startSandbox({
    store: sandboxStore, host: '127.0.0.1', port: 0,
    hub: { boxUrl: () => `http://127.0.0.1:${port}/integration/box`, tokenUrl: () => `http://127.0.0.1:${port}/integration/box/1.0/token`, ...CLIENT },
    accessKeyId: 'ak', accessKeySecret: 'as', consoleToken: TEST_CONSOLE_TOKEN, tokenTtlMs: 3_600_000, brandId: 1, channels: [{ id: 'chat_recorder', name: 'Recorder' }]
  })
  t.teardown(async () => { await sandbox.close(); await sandboxStore.close() })
  const configPath = writeHubConfig(dir, 'hub', {
    server: { host: '127.0.0.1', port },
    auth: { clients: [CLIENT] },
    cxone: { mode: 'live', authUrl: `${sandbox.url}/auth/token`, apiBaseUrl: sandbox.url, accessKeyId: 'ak', accessKeySecret: 'as', retryBase: '50ms', retryMax: '300ms', timeout: '5s' },
    delivery: { lease: '2s' },
    store: { driver: 'sqlite', path: join(dir, 'hub.db') },
    log: { level: 'warn' },
    channels: [{ id: 'recorder', plugin: join(ROOT, 'test/fixtures/plugins/recorder'), cxoneChannelId: 'chat_recorder', config: {} }]
  })

  // CXone is slow: the relay is in flight when the hub dies
  await setFaults(sandbox.url, { latencyMs: 1500 })
  let hub = await spawnHub(configPath, port)
  t.teardown(() => hub.kill())
  const accepted = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'hippo-1', messageId: 'm-kill-1', text: 'before the crash' })
  t.equal(accepted.status, 202, 'accepted = durably stored')
  const threadId = accepted.body.messages[0].threadId
  await new Promise(r => setTimeout(r, 300)) // let the worker start the (slow) call
  await hub.kill('SIGKILL')

  // a second message was also accepted by nobody: the hub is down. Restart on the same store with CXone healthy.
  await setFaults(sandbox.url, {})
  hub = await spawnHub(configPath, port)
  const messages = await waitForSandboxMessages(sandbox.url, threadId, 1, 20_000)
  const hubStore = new SqliteStore(join(dir, 'hub.db'))
  t.teardown(() => hubStore.close())
  await eventually(async () => (await hubStore.getMessage('recorder', 'm-kill-1'))?.status === 'sent', 20_000, 'marked sent after restart')
  const again = await waitForSandboxMessages(sandbox.url, threadId, 1)
  t.equal(again.filter((m: any) => m.idOnExternalPlatform === 'm-kill-1').length, 1, 'CXone holds exactly one copy')
  t.equal(messages[0].text, 'before the crash')
  t.equal((await hubStore.outboxStats()).pending, 0, 'nothing left in the outbox')
})
