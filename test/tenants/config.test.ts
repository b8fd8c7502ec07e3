import t from 'tap'
import { join } from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { ConfigInvalidError, loadConfigFile, validateConfig } from '../../config/load.js'
import { allChannels, allClients, mapTenants, sandboxTenant, tenantOfChannel, tenantsOf } from '../../config/tenants.js'
import { CLIENT, ROOT } from '../helper.js'
import { testDir } from '../test-dir.js'

const run = promisify(execFile)
const SECRET = (c: string) => c.repeat(40)
const live = (id: string, extra: Record<string, unknown> = {}) => ({
  mode: 'live', authUrl: `https://${id}.example.com/auth/token`, apiBaseUrl: `https://api-${id}.example.com`,
  accessKeyId: `${id}-key`, accessKeySecret: `${id}-access-key-secret`, ...extra
})
const tenant = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  cxone: live(id),
  auth: { clients: [{ clientId: `${id}-cxone`, clientSecret: SECRET(id[0]!) }] },
  channels: [{ id: `${id}-chat`, plugin: './p', cxoneChannelId: 'chat_shared' }],
  ...over
})
const problemsOf = (tree: unknown): string => {
  try {
    validateConfig(tree, {})
  } catch (err) {
    if (err instanceof ConfigInvalidError) return err.problems.join('\n')
    throw err
  }
  return ''
}

t.test('the single-tenant config of today loads as the tenant default', async t => {
  const config = validateConfig({ auth: { clients: [CLIENT] }, sandbox: { clientId: CLIENT.clientId }, channels: [{ id: 'wh', plugin: './p', cxoneChannelId: 'c' }] }, {})
  const tenants = tenantsOf(config)
  t.same(tenants.map(x => x.id), ['default'])
  t.equal(tenants[0]!.cxone, config.cxone, 'its CXone is the top-level block')
  t.same(tenants[0]!.clients.map(c => c.clientId), [CLIENT.clientId])
  t.equal(tenantOfChannel(config, 'wh')?.id, 'default')
  t.equal(sandboxTenant(config)?.id, 'default', 'sandbox mode by default')
  t.equal(tenantsOf(config), tenants, 'worked out once per config')
})

t.test('tenants[] next to the top level: default only when the top level has clients or channels', async t => {
  const only = validateConfig({ auth: { clients: [] }, tenants: [tenant('acme'), tenant('globex')] }, {})
  t.same(tenantsOf(only).map(x => x.id), ['acme', 'globex'], 'no default')
  t.equal(sandboxTenant(only), undefined, 'both live')
  t.same(allChannels(only).map(c => [c.id, c.tenant]), [['acme-chat', 'acme'], ['globex-chat', 'globex']])
  t.same(allClients(only).map(c => [c.clientId, c.tenant]), [['acme-cxone', 'acme'], ['globex-cxone', 'globex']])
  t.equal(only.tenants![0]!.cxone.timeout, 5000, 'each tenant\'s cxone block gets the defaults (and durations in ms)')
  t.equal(only.tenants![0]!.cxone.retries, 8)

  const both = validateConfig({ auth: { clients: [CLIENT] }, sandbox: { clientId: CLIENT.clientId }, channels: [{ id: 'wh', plugin: './p', cxoneChannelId: 'c' }], tenants: [tenant('acme')] }, {})
  t.same(tenantsOf(both).map(x => x.id), ['default', 'acme'], 'the top level is the tenant default, played by the in-process sandbox')
  t.equal(sandboxTenant(both)?.id, 'default')

  const mapped = mapTenants(both, x => ({ clients: x.clients.map(c => ({ ...c, clientSecret: `${x.id}-filled` })), channels: [...x.channels] }))
  t.same(allClients(mapped).map(c => c.clientSecret), ['default-filled', 'acme-filled'], 'mapTenants writes each tenant back where it was')
  t.equal(mapped.auth.clients[0]!.clientSecret, 'default-filled')
  t.equal(mapped.tenants![0]!.auth.clients[0]!.clientSecret, 'acme-filled')
})

t.test('tenant config errors are reported together', async t => {
  const problems = problemsOf({
    auth: { clients: [] },
    tenants: [
      tenant('acme', { channels: [{ id: 'chat', plugin: './p', cxoneChannelId: 'c1' }] }),
      tenant('acme', { auth: { clients: [{ clientId: 'acme-cxone', clientSecret: SECRET('x') }] }, channels: [{ id: 'chat', plugin: './p', cxoneChannelId: 'c2' }] }),
      tenant('globex', { auth: { clients: [{ clientId: 'globex-cxone', clientSecret: SECRET('g'), channels: ['chat'] }] }, channels: [] }),
      tenant('initech', { cxone: { mode: 'sandbox' } }),
      tenant('umbrella', { cxone: { mode: 'sandbox' } })
    ]
  })
  t.match(problems, "/tenants/1/id: duplicate tenant id 'acme'")
  t.match(problems, "/tenants/1/channels/0/id: duplicate channel id 'chat'", 'channel ids are unique across tenants')
  t.match(problems, "/tenants/1/auth/clients/0/clientId: duplicate client id 'acme-cxone'", 'client ids are unique across tenants')
  t.match(problems, "/tenants/2/auth/clients/0/channels/0: 'chat' is not a configured channel id of tenant 'globex'", 'a client binds only its own tenant\'s channels')
  t.match(problems, "/tenants: at most one tenant may use cxone.mode sandbox (the in-process emulator is one CXone tenant); 'initech', 'umbrella' do")
  t.match(problemsOf({ auth: { clients: [] } }), '/auth/clients: at least one client is required', 'no tenants[]: the top level needs a client')
  t.match(problemsOf({ auth: { clients: [CLIENT] }, sandbox: { clientId: CLIENT.clientId }, channels: [{ id: 'acme-chat', plugin: './p', cxoneChannelId: 'c' }], tenants: [tenant('acme')] }),
    "/tenants/0/channels/0/id: duplicate channel id 'acme-chat' (tenant 'default' has it", 'the top-level channels count as the tenant default\'s')
  t.match(problemsOf({ auth: { clients: [CLIENT] }, channels: [{ id: 'x', plugin: './p', cxoneChannelId: 'c' }], tenants: [tenant('default')] }), "duplicate tenant id 'default'")
  t.match(problemsOf({ tenants: [] }), '/tenants', 'tenants[] needs one tenant at least')
  t.match(problemsOf({ auth: { clients: [] }, tenants: [tenant('Bad_Id')] }), '/tenants/0/id')
})

t.test('each tenant\'s CXone block and clients follow the live-mode rules', async t => {
  const problems = problemsOf({
    auth: { clients: [] },
    tenants: [
      tenant('acme', { cxone: { mode: 'live', accessKeyId: 'k' }, auth: { clients: [{ clientId: 'acme-cxone' }] } }),
      tenant('globex', { cxone: live('globex', { threadStatusInterval: '10ms' }), auth: { clients: [{ clientId: 'globex-cxone', clientSecret: 'short' }] } })
    ]
  })
  t.match(problems, '/tenants/0/cxone/accessKeySecret: required when cxone.mode is live')
  t.match(problems, '/tenants/0/cxone/tenantId: live mode needs cxone.tenantId')
  t.match(problems, '/tenants/0/auth/clients/0/clientSecret: required when cxone.mode is live')
  t.match(problems, 'tenants[1].auth.clients[0].clientSecret: is 5 characters; live mode needs at least 32')
  t.match(problems, '/tenants/1/cxone/threadStatusInterval: must be at least 1s')
  // a sandbox tenant beside live ones: its generated secrets are fine, the sandbox must call the hub as its client
  t.equal(problemsOf({
    auth: { clients: [{ clientId: 'sandbox' }] }, channels: [{ id: 'wh', plugin: './p', cxoneChannelId: 'c' }], tenants: [tenant('acme')]
  }), '', 'the default tenant in sandbox mode needs no secrets; acme\'s live ones are checked')
  t.match(problemsOf({ auth: { clients: [] }, sandbox: { clientId: 'nobody' }, tenants: [tenant('acme', { cxone: { mode: 'sandbox' } })] }),
    "/sandbox/clientId: 'nobody' is not one of tenant 'acme's auth.clients")
})

t.test('byoc-hub cxone-setup prints the values per tenant, and check-config accepts the file', async t => {
  const dir = testDir(t, {
    'byoc-hub.yaml': JSON.stringify({
      server: { publicUrl: 'https://hub.example.com' },
      auth: { clients: [] },
      tenants: [
        tenant('acme', { name: 'Acme Corp', cxone: live('acme', { channelIntegrationId: 'acme-int' }), channels: [{ id: 'acme-chat', plugin: join(ROOT, 'test/fixtures/plugins/recorder'), cxoneChannelId: 'chat_a' }] }),
        tenant('globex', { channels: [{ id: 'globex-chat', plugin: join(ROOT, 'test/fixtures/plugins/recorder'), cxoneChannelId: 'chat_g' }] })
      ]
    })
  })
  const path = join(dir, 'byoc-hub.yaml')
  t.same(tenantsOf(loadConfigFile(path, {}).config).map(x => x.id), ['acme', 'globex'])
  const cli = (args: string[]) => run(process.execPath, [join(ROOT, 'bin/byoc-hub.js'), ...args, '--config', path], { cwd: ROOT }).then(r => ({ code: 0, ...r }), (e: { code: number, stdout: string, stderr: string }) => e)
  const out = await cli(['cxone-setup'])
  t.equal(out.code, 0, out.stderr)
  const acme = out.stdout.indexOf('=== Tenant acme (Acme Corp) ===')
  const globex = out.stdout.indexOf('=== Tenant globex ===')
  t.ok(acme >= 0 && globex > acme, 'a heading per tenant, in config order')
  const acmePart = out.stdout.slice(acme, globex)
  const globexPart = out.stdout.slice(globex)
  t.match(acmePart, 'https://hub.example.com/integration/box/actions/add?tenant=acme')
  t.match(acmePart, /Client ID\s+acme-cxone/)
  t.match(acmePart, 'chat_a (acme-chat)')
  t.match(acmePart, 'Channels are created under Integration ID acme-int')
  t.notMatch(acmePart, 'globex')
  t.match(globexPart, /Client ID\s+globex-cxone/)
  t.match(globexPart, 'https://api-globex.example.com (configured')
  t.match(globexPart, 'cxone.channelIntegrationId is not set')
  const check = await cli(['check-config'])
  t.equal(check.code, 0, check.stderr)
})
