import t from 'tap'
import { join } from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { stringify } from 'yaml'
import { writeFileSync } from 'node:fs'
import { SqliteStore } from '../../core/store/sqlite.js'
import { buildApp } from '../../core/app.js'
import { loadConfigFile } from '../../config/load.js'
import { CLIENT, ROOT, http, eventually } from '../helper.js'
import { freePort } from '../process/spawn-hub.js'
import { testDir } from '../test-dir.js'

const run = promisify(execFile)
const cli = (args: string[]) => run(process.execPath, [join(ROOT, 'bin/byoc-hub.js'), ...args], { cwd: ROOT }).then(r => ({ code: 0, ...r }), (e: { code: number, stdout: string, stderr: string }) => e)

t.test('byoc-hub channels list|create|delete and dead-letters list|replay against a running hub', async t => {
  const dir = testDir(t, {})
  const port = await freePort()
  const raw = {
    server: { host: '127.0.0.1', port },
    auth: { clients: [CLIENT] },
    cxone: { mode: 'sandbox', retries: 1, retryBase: '20ms' },
    sandbox: { clientId: CLIENT.clientId },
    store: { driver: 'sqlite', path: join(dir, 'hub.db') },
    log: { level: 'silent' },
    channels: [{ id: 'recorder', plugin: join(ROOT, 'test/fixtures/plugins/recorder'), cxoneChannelId: 'chat_recorder', config: {} }]
  }
  const configPath = join(dir, 'hub.yaml')
  writeFileSync(configPath, stringify(raw))
  const store = new SqliteStore(join(dir, 'hub.db'))
  // the hub runs from the file the CLI reads: the sandbox secrets it leaves out are generated and kept in the store,
  // where the CLI finds them
  const app = await buildApp(loadConfigFile(configPath).config, { baseDir: ROOT, store })
  await app.listen({ host: '127.0.0.1', port })
  t.teardown(async () => { await app.close(); await store.close() })

  const list = await cli(['channels', 'list', '--config', configPath])
  t.equal(list.code, 0, list.stderr)
  t.match(list.stdout, 'chat_recorder')
  t.equal((await cli(['channels', 'delete', 'recorder', '--config', configPath])).code, 0)
  t.notMatch((await cli(['channels', 'list', '--config', configPath])).stdout, 'chat_recorder')

  // with the DFO channel gone, a message dead-letters (one attempt: a 404 is not retried)
  await http('POST', `http://127.0.0.1:${port}/channels/recorder/inbound`, { customerId: 'kudu', messageId: 'dl-1', text: 'lost?' })
  await eventually(async () => (await store.listJobs({ state: 'dead' })).length === 1, 10_000, 'dead letter')
  const dead = await cli(['dead-letters', 'list', '--config', configPath])
  t.match(dead.stdout, 'dfo.createMessage')
  t.match(dead.stdout, 'REJECTED')

  t.equal((await cli(['channels', 'create', 'recorder', '--config', configPath])).code, 0)
  const replay = await cli(['dead-letters', 'replay', '--all', '--config', configPath])
  t.equal(replay.code, 0, replay.stderr)
  t.match(replay.stdout, 'Replayed 1')
  await eventually(async () => (await store.getMessage('recorder', 'dl-1'))?.status === 'sent', 10_000, 'delivered after replay')
  t.match((await cli(['dead-letters', 'list', '--config', configPath])).stdout, 'No dead letters')
})
