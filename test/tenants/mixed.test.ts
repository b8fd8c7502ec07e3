import t from 'tap'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { startSandbox } from '../../core/sandbox/index.js'
import { SqliteStore } from '../../core/store/sqlite.js'
import { CLIENT, TEST_CONSOLE_TOKEN, cxoneToken, eventually, http, startHub } from '../helper.js'
import { startFakePlatform } from '../fake-platform.js'
import { waitForSandboxMessages } from '../sandbox-view.js'
import { testDir } from '../test-dir.js'

// The single-tenant config of today (sandbox mode) plus one live tenant: the in-process emulator plays `default` only.

t.test('the top level stays the tenant default in sandbox mode beside a live tenant; each reaches its own CXone', async t => {
  const dir = testDir(t, {})
  let box = 'http://127.0.0.1:9/unset'
  const client = { clientId: 'acme-cxone', clientSecret: randomBytes(32).toString('base64url') }
  const key = { accessKeyId: 'acme-key', accessKeySecret: randomBytes(24).toString('base64url') }
  const cxoneStore = new SqliteStore(join(dir, 'acme-cxone.db'))
  const acmeCxone = await startSandbox({
    consoleToken: TEST_CONSOLE_TOKEN, store: cxoneStore, port: 0, ...key, tokenTtlMs: 3_600_000, brandId: 11,
    hub: { boxUrl: () => box, tokenUrl: () => `${box}/1.0/token`, ...client },
    channels: [{ id: 'chat_recorder', name: 'acme chat' }]
  })
  t.teardown(async () => { await acmeCxone.close(); await cxoneStore.close() })
  const platform = await startFakePlatform(t)
  const hub = await startHub(t, {
    rules: { idle: { enabled: false } },
    // the default tenant's channel and acme's share a CXone channel id: each tenant's CXone has its own
    channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: { deliverUrl: platform.url } }],
    tenants: [{
      id: 'acme',
      cxone: { mode: 'live', authUrl: `${acmeCxone.url}/auth/token`, apiBaseUrl: acmeCxone.url, ...key, retryBase: '20ms', retryMax: '200ms' },
      auth: { clients: [client] },
      channels: [{ id: 'acme-chat', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: { deliverUrl: platform.url } }]
    }]
  }, { dir })
  box = hub.box
  t.same(hub.hub.channels.all().map(c => [c.id, c.tenant]), [['recorder', 'default'], ['acme-chat', 'acme']])

  const say = async (channel: string, customerId: string) => {
    const res = await eventually(async () => { const r = await http('POST', `${hub.url}/channels/${channel}/inbound`, { customerId, messageId: `${customerId}-1`, text: `hi from ${channel}` }); return r.status !== 503 && r }, 30_000, 'accepted')
    t.equal(res.status, 202)
    return res.body.messages[0].threadId as string
  }
  const mine = await say('recorder', 'zebra')
  const theirs = await say('acme-chat', 'wile')
  t.equal((await waitForSandboxMessages(hub.sandboxUrl, mine, 1))[0].text, 'hi from recorder', 'default\'s message at the hub\'s own emulator')
  t.equal((await waitForSandboxMessages(acmeCxone.url, theirs, 1))[0].text, 'hi from acme-chat', 'acme\'s at acme\'s CXone')
  const ready = await eventually(async () => { const r = await http('GET', `${hub.url}/health/ready`); return r.status === 200 && r }, 15_000, 'ready')
  t.equal(ready.body.checks.cxone, 'ok')

  // the client the emulator calls the hub with is the default tenant's: on acme's channel it is unknown
  const res = await http('POST', `${hub.box}/1.0/channel/acme-chat/recipients/validation`, { endUserRecipients: [{ idOnExternalPlatform: 'wile' }] }, { authorization: `Bearer ${await cxoneToken(hub, CLIENT)}` })
  t.equal(res.status, 404)
})
