import t from 'tap'
import { join } from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { writeFileSync } from 'node:fs'
import { stringify } from 'yaml'
import { startSandbox } from '../../../core/sandbox/index.js'
import { SqliteStore } from '../../../core/store/sqlite.js'
import { CLIENT, ROOT, TEST_CONSOLE_TOKEN, http } from '../../helper.js'
import { ACCESS, SANDBOX_TENANT_ID, liveHubOnSandbox } from './helpers.js'
import { testDir } from '../../test-dir.js'

const run = promisify(execFile)
const cli = (args: string[]) => run(process.execPath, [join(ROOT, 'bin/byoc-hub.js'), ...args], { cwd: ROOT })
  .then(r => ({ code: 0, ...r }), (e: { code: number, stdout: string, stderr: string }) => e)

async function dfoChannels (sandboxUrl: string): Promise<Array<{ id: string, channelIntegrationId: string }>> {
  const tok = await http('POST', `${sandboxUrl}/auth/token`, `grant_type=password&username=${ACCESS.accessKeyId}&password=${ACCESS.accessKeySecret}`, { 'content-type': 'application/x-www-form-urlencoded' })
  return (await http('GET', `${sandboxUrl}/dfo/3.0/channels`, undefined, { authorization: `Bearer ${tok.body.access_token}` })).body
}

t.test('the Add action refuses without cxone.channelIntegrationId, naming the key; with it, the channel is created under it', async t => {
  const without = await liveHubOnSandbox(t)
  const links = (await http('POST', `${without.sandboxUrl}/console/api/integrations/one-time-token`, {})).body.links
  const refused = await http('GET', links.add)
  t.equal(refused.status, 409)
  t.equal(refused.body.error.code, 'BYOC_ERR_CHANNEL_INTEGRATION_ID_MISSING')
  t.match(refused.body.error.message, 'cxone.channelIntegrationId')

  const withId = await liveHubOnSandbox(t, { channelIntegrationId: 'integration-77' })
  const link = (await http('POST', `${withId.sandboxUrl}/console/api/integrations/one-time-token`, {})).body.links.add
  const page = await http('GET', link)
  t.equal(page.status, 200)
  const session = /name="session" value="([^"]+)"/.exec(page.body)![1]!
  const done = await http('POST', `${withId.hub.box}/actions/add`, `session=${session}&channel=recorder`, { 'content-type': 'application/x-www-form-urlencoded' })
  t.equal(done.status, 303)
  t.same((await dfoChannels(withId.sandboxUrl)).find(c => c.id === 'chat_recorder')?.channelIntegrationId, 'integration-77')
})

t.test('byoc-hub cxone-setup prints what discovery found; channels create refuses without channelIntegrationId (needs npm run build)', async t => {
  const dir = testDir(t, {})
  const store = new SqliteStore(join(dir, 'sandbox.db'))
  const sandbox = await startSandbox({
    consoleToken: TEST_CONSOLE_TOKEN, store, port: 0, ...ACCESS, tokenTtlMs: 60_000, brandId: 3,
    hub: { boxUrl: () => 'http://127.0.0.1:9/box', tokenUrl: () => 'http://127.0.0.1:9/box/1.0/token', ...CLIENT }
  })
  t.teardown(async () => { await sandbox.close(); await store.close() })
  const config = (cxone: Record<string, unknown>): string => {
    const path = join(dir, `hub-${Object.keys(cxone).join('-') || 'plain'}.yaml`)
    writeFileSync(path, stringify({
      server: { host: '127.0.0.1', port: 0, publicUrl: 'https://mw.example.com' },
      auth: { clients: [CLIENT] },
      cxone: { mode: 'live', tenantId: SANDBOX_TENANT_ID, discoveryUrl: sandbox.url, ...ACCESS, ...cxone },
      store: { driver: 'sqlite', path: join(dir, 'hub.db') },
      log: { level: 'silent' },
      channels: [{ id: 'recorder', plugin: join(ROOT, 'test/fixtures/plugins/recorder'), cxoneChannelId: 'chat_new', config: {} }]
    }))
    return path
  }

  const setup = await cli(['cxone-setup', '--config', config({})])
  t.equal(setup.code, 0, setup.stderr)
  t.match(setup.stdout, 'https://mw.example.com/integration/box/1.0/token', 'what the administrator pastes')
  t.match(setup.stdout, new RegExp(`Tenant ID\\s+${SANDBOX_TENANT_ID}`))
  t.match(setup.stdout, new RegExp(`Token URL\\s+${sandbox.url}/auth/token`), 'the discovered token endpoint')
  t.match(setup.stdout, new RegExp(`DFO base\\s+${sandbox.url} \\(\\+ /dfo/3.0\\)`), 'the discovered DFO base')
  t.match(setup.stdout, /Area \/ domain\s+sandbox \/ sandbox.invalid/)
  t.match(setup.stdout, 'cxone.channelIntegrationId is not set')

  const wrong = await cli(['cxone-setup', '--config', config({ tenantId: 'nope' })])
  t.equal(wrong.code, 1, 'a failed discovery is an error')
  t.match(wrong.stderr, /Region discovery for tenant nope .* failed: .*HTTP 404/)

  const refused = await cli(['channels', 'create', 'recorder', '--config', config({})])
  t.equal(refused.code, 1)
  t.match(refused.stderr, 'BYOC_ERR_CHANNEL_INTEGRATION_ID_MISSING')
  t.match(refused.stderr, 'cxone.channelIntegrationId')
  t.notOk((await dfoChannels(sandbox.url)).some(c => c.id === 'chat_new'), 'nothing was created')

  const created = await cli(['channels', 'create', 'recorder', '--config', config({ channelIntegrationId: 'integration-9' })])
  t.equal(created.code, 0, created.stderr)
  t.same((await dfoChannels(sandbox.url)).find(c => c.id === 'chat_new')?.channelIntegrationId, 'integration-9', 'created through the discovered DFO base, under the configured Integration ID')
})
