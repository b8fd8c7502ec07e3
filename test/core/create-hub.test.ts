import t from 'tap'
import { join, resolve } from 'node:path'
import { createHub } from '../../core/index.js'
import { testDir } from '../test-dir.js'

const ROOT = resolve(import.meta.dirname, '../..')
const CLIENT = { clientId: 'create-hub', clientSecret: 'create-hub-secret-0123456789abcdef' }
const config = (dir: string): Record<string, unknown> => ({
  server: { host: '127.0.0.1', port: 0 },
  auth: { clients: [CLIENT] },
  cxone: { mode: 'sandbox', retryBase: '20ms', retryMax: '200ms' },
  sandbox: { clientId: CLIENT.clientId },
  store: { driver: 'sqlite', path: join(dir, 'hub.db') },
  log: { level: 'silent' },
  channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder' }]
})

t.test('createHub(config object): a listening hub whose hooks see what it accepted and delivered', async t => {
  const hub = await createHub(config(testDir(t, {})), { baseDir: ROOT })
  t.teardown(() => hub.close())
  t.match(hub.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'listening on a free port')
  t.equal(hub.cxoneUrl, `${hub.url}/integration/box`, 'the CXone-facing base')
  t.same(hub.channels, ['recorder'])
  t.ok(hub.consoleToken, 'sandbox mode: the console token')

  const res = await fetch(`${hub.url}/channels/recorder/inbound`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId: 'c-1', messageId: 'm-create-hub-1', text: 'hello' }) })
  t.equal(res.status, 202, 'accepted')
  const stored = await hub.storedMessage('recorder', 'm-create-hub-1')
  t.match(stored, { channelId: 'recorder', messageId: 'm-create-hub-1', direction: 'inbound' }, 'stored before the 2xx')
  t.equal(await hub.storedMessage('recorder', 'no-such-message'), undefined)

  await hub.outboxDrained()
  // drained means delivered: the CXone sandbox holds the message now, without polling for it
  const threads = await (await fetch(`${hub.url}/sandbox/console/api/threads`, { headers: { authorization: `Bearer ${hub.consoleToken}` } })).json() as Array<{ id: string, customerId: string }>
  const thread = threads.find(th => th.customerId === 'c-1')
  t.ok(thread, 'the thread is in CXone')
  const detail = await (await fetch(`${hub.url}/sandbox/console/api/threads/${encodeURIComponent(thread!.id)}`, { headers: { authorization: `Bearer ${hub.consoleToken}` } })).json() as { messages: Array<{ text: string }> }
  t.same(detail.messages.map(m => m.text), ['hello'], 'with the message, once')
})

t.test('createHub(path): the config file, its folder the base for relative paths; close twice is fine', async t => {
  const dir = testDir(t, {
    'byoc-hub.yaml': `server: { host: 127.0.0.1, port: 0 }
auth: { clients: [{ clientId: ${CLIENT.clientId}, clientSecret: ${CLIENT.clientSecret} }] }
sandbox: { clientId: ${CLIENT.clientId} }
store: { driver: sqlite, path: ./hub.db }
log: { level: silent }
channels:
  - { id: recorder, plugin: ${join(ROOT, 'test/fixtures/plugins/recorder')}, cxoneChannelId: chat_recorder }
`
  })
  const hub = await createHub(join(dir, 'byoc-hub.yaml'))
  t.equal((await fetch(`${hub.url}/health/live`)).status, 200, 'live')
  await hub.close()
  await hub.close()
  await t.rejects(fetch(`${hub.url}/health/live`), 'no longer listening')
})

t.test('createHub refuses a bad config with every problem, coded', async t => {
  await t.rejects(createHub({ server: { port: 'eighty' }, channels: [] }), { code: 'BYOC_ERR_CONFIG_INVALID', message: /\/server\/port/ })
})
