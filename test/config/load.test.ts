import t from 'tap'
import { join } from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { readFileSync } from 'node:fs'
import { loadConfigFile, ConfigInvalidError, validateConfig } from '../../config/load.js'
import { parseDuration } from '../../config/duration.js'
import { ByocConfigSchema } from '../../config/schema.js'
import { ROOT, CLIENT } from '../helper.js'
import { testDir } from '../test-dir.js'

const run = promisify(execFile)
const cli = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, [join(ROOT, 'bin/byoc-hub.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env } }).then(r => ({ code: 0, ...r }), (e: { code: number, stdout: string, stderr: string }) => e)

t.test('durations', async t => {
  t.equal(parseDuration('2m'), 120_000)
  t.equal(parseDuration('20s'), 20_000)
  t.equal(parseDuration('500ms'), 500)
  t.equal(parseDuration('1h'), 3_600_000)
  t.equal(parseDuration(250), 250)
  t.equal(parseDuration('soon'), undefined)
})

t.test('durations load as milliseconds: written ones, numbers and schema defaults alike', async t => {
  const tree = {
    auth: { clients: [CLIENT], tokenTtl: '2h' },
    sandbox: { clientId: CLIENT.clientId },
    cxone: { timeout: 1500, retryBase: '0.5s' },
    channels: [{ id: 'wh', plugin: './p', cxoneChannelId: 'c', rules: { idle: { countdown: '30s' } } }]
  }
  const cfg = validateConfig(tree, {})
  t.equal(cfg.auth.tokenTtl, 7_200_000, 'written: 2h')
  t.equal(cfg.cxone.timeout, 1500, 'a number is milliseconds')
  t.equal(cfg.cxone.retryBase, 500, 'fractions of a unit')
  t.equal(cfg.cxone.retryMax, 60_000, 'schema default 1m')
  t.equal(cfg.rules.idle.timeout, 120_000, 'nested default 2m')
  t.equal(cfg.sandbox.faults.latency, 0, 'default 0ms')
  t.equal(cfg.channels[0]!.rules!.idle!.countdown, 30_000, 'a channel\'s own rules too')
  t.equal(cfg.channels[0]!.rules!.idle!.timeout, undefined, 'an override left out stays out (the global rule applies)')
  t.ok(Object.isFrozen(cfg.cxone) && Object.isFrozen(cfg.channels[0]!.rules!.idle), 'frozen')
  t.same(validateConfig(cfg, {}), cfg, 'a loaded config validates again unchanged (createHub accepts one)')
  t.same(validateConfig(tree, {}), cfg, 'the input is not changed by loading it')
})

t.test('${VAR} and ${VAR:-default} interpolation', async t => {
  const cfg = validateConfig({
    server: { port: '${PORT:-9000}', publicUrl: '${URL}' },
    auth: { clients: [{ clientId: 'a', clientSecret: '${SECRET}' }] },
    sandbox: { clientId: 'a' }
  }, { URL: 'https://mw.example.com', SECRET: 's3cret' })
  t.equal(cfg.server.port, 9000)
  t.equal(cfg.server.publicUrl, 'https://mw.example.com')
  t.equal(cfg.auth.clients[0]!.clientSecret, 's3cret')
  t.ok(Object.isFrozen(cfg.server), 'frozen')
})

t.test('a lone ${VAR:-} leaves its key out when VAR is unset; live mode then names the missing secret', async t => {
  const tree = {
    server: { publicUrl: '${URL:-}' },
    auth: { clients: [{ clientId: 'a', clientSecret: '${SECRET:-}' }] },
    sandbox: { clientId: 'a' }
  }
  const cfg = validateConfig(tree, {})
  t.equal(cfg.server.publicUrl, undefined)
  t.notOk('clientSecret' in cfg.auth.clients[0]!, 'sandbox mode: left out, for the hub to generate')
  t.equal(validateConfig(tree, { SECRET: 's3cret' }).auth.clients[0]!.clientSecret, 's3cret')
  t.throws(() => validateConfig({ ...tree, cxone: { mode: 'live', authUrl: 'https://a', apiBaseUrl: 'https://b', accessKeyId: 'k', accessKeySecret: 's' } }, {}),
    { message: /\/auth\/clients\/0\/clientSecret: required when cxone.mode is live/ })
})

t.test('a bad file lists every error at once, each with its path', async t => {
  const dir = testDir(t, {
    'bad.yaml': `
server: { port: not-a-port, colour: blue }
auth: { clients: [] }
cxone: { mode: live, timeout: soon }
store: { driver: sqlite, path: ./x.db }
channels:
  - { id: Bad_Id, plugin: ./p, cxoneChannelId: c1 }
  - { id: dup, plugin: ./p, cxoneChannelId: c2 }
  - { id: dup, plugin: ./p, cxoneChannelId: c3 }
unknownTop: 1
secret: \${MISSING_VAR}
`
  })
  const err = t.throws(() => loadConfigFile(join(dir, 'bad.yaml'), {})) as unknown as ConfigInvalidError
  t.type(err, ConfigInvalidError)
  const text = err.problems.join('\n')
  for (const path of ['/server/port', '/server: must not have additional properties: colour', '/auth/clients', '/cxone/timeout', '/cxone/tenantId', '/channels/0/id', '/channels/2/id: duplicate', 'unknownTop', 'MISSING_VAR']) {
    t.match(text, path, `reports ${path}`)
  }
})

t.test('live mode needs cxone.tenantId (region discovery) or both authUrl and apiBaseUrl', async t => {
  // a client secret live mode accepts (>= 32 characters, not a shipped value), so only the cxone rules speak
  const base = { auth: { clients: [CLIENT] } }
  const live = (cxone: Record<string, string>): string[] => {
    try { validateConfig({ ...base, cxone: { mode: 'live', accessKeyId: 'k', accessKeySecret: 's', ...cxone } }, {}); return [] } catch (err) { return (err as ConfigInvalidError).problems }
  }
  t.same(live({ tenantId: 't-1' }), [], 'a tenant id is enough: the endpoints are discovered')
  t.same(live({ authUrl: 'https://a/auth/token', apiBaseUrl: 'https://b' }), [], 'both endpoints given: no discovery needed')
  t.match(live({ authUrl: 'https://a/auth/token' }).join('\n'), /\/cxone\/tenantId: live mode needs cxone.tenantId .* or both cxone.authUrl and cxone.apiBaseUrl/)
  t.match(live({}).join('\n'), '/cxone/tenantId')
  t.equal(validateConfig({ ...base, cxone: { mode: 'live', tenantId: 't', accessKeyId: 'k', accessKeySecret: 's' } }, {}).cxone.discoveryUrl, 'https://cxone.niceincontact.com', 'discovery defaults to NICE\'s global issuer')
})

t.test('YAML syntax errors name the line', async t => {
  const dir = testDir(t, { 'broken.yaml': 'server:\n  port: [1,\n' })
  const err = t.throws(() => loadConfigFile(join(dir, 'broken.yaml'), {})) as unknown as ConfigInvalidError
  t.match(err.problems[0], /YAML syntax error at line/)
})

t.test('byoc-hub check-config: lists every error (exit 1), or prints the effective config redacted (exit 0)', async t => {
  const dir = testDir(t, {
    'bad.yaml': 'server: { port: x }\nauth: { clients: [] }\nchannels: [ { id: watering-hole, plugin: ' + join(ROOT, 'plugins/watering-hole') + ', cxoneChannelId: c, config: { bogus: 1 } } ]\n'
  })
  const bad = await cli(['check-config', '--config', join(dir, 'bad.yaml')])
  t.equal(bad.code, 1)
  t.match(bad.stderr, '/server/port')
  t.match(bad.stderr, '/auth/clients')
  const good = await cli(['check-config'], { BYOC_CLIENT_SECRET: 'very-secret-value-123' })
  t.equal(good.code, 0, good.stderr)
  t.match(good.stdout, 'watering-hole')
  t.notMatch(good.stdout, 'very-secret-value-123', 'secrets redacted')
  t.match(good.stdout, '[redacted]')
  t.match(good.stdout, /shutdownGrace: 10s/, 'durations printed as written, not in milliseconds')
})

t.test('byoc-hub cxone-setup prints what the administrator pastes', async t => {
  const out = await cli(['cxone-setup'], { PUBLIC_URL: 'https://mw.example.com' })
  t.equal(out.code, 0)
  t.match(out.stdout, 'Integration Box URL')
  t.match(out.stdout, 'https://mw.example.com/integration/box')
  t.match(out.stdout, 'https://mw.example.com/integration/box/1.0/token')
  t.match(out.stdout, 'https://mw.example.com/integration/box/actions/add')
})

t.test('config/schema.json is generated from config/schema.ts and up to date', async t => {
  const onDisk = JSON.parse(readFileSync(join(ROOT, 'config/schema.json'), 'utf8'))
  t.same(onDisk.properties, JSON.parse(JSON.stringify(ByocConfigSchema.properties)), 'run `npm run gen-schema` after changing config/schema.ts')
})

t.test('a client bound to an unknown channel is a config error', async t => {
  const err = t.throws(() => validateConfig({
    auth: { clients: [{ clientId: 'sandbox', clientSecret: 's', channels: ['nope'] }] },
    channels: [{ id: 'real', plugin: './p', cxoneChannelId: 'c' }]
  }, {})) as unknown as ConfigInvalidError
  t.match(err.problems.join('\n'), "/auth/clients/0/channels/0: 'nope' is not a configured channel id")
})

t.test('cxone.threadStatusInterval accepts 1s and nothing shorter', async t => {
  const config = (interval: string | number) => ({ auth: { clients: [{ clientId: 'sandbox', clientSecret: 's' }] }, cxone: { threadStatusInterval: interval } })
  t.equal(validateConfig(config('1s'), {}).cxone.threadStatusInterval, 1000, 'loaded as milliseconds')
  for (const short of ['999ms', 500]) {
    const err = t.throws(() => validateConfig(config(short), {})) as unknown as ConfigInvalidError
    t.match(err.problems.join('\n'), '/cxone/threadStatusInterval: must be at least 1s')
  }
})

t.test('tenants[] load from YAML beside the top level (the tenant default), each with its own cxone defaults', async t => {
  const dir = testDir(t, {
    'byoc-hub.yaml': `
auth: { clients: [ { clientId: sandbox } ] }
channels: [ { id: wh, plugin: ./p, cxoneChannelId: chat_web } ]
tenants:
  - id: acme
    name: Acme Corp
    cxone: { mode: live, authUrl: https://acme.example.com/auth/token, apiBaseUrl: https://api-acme.example.com, accessKeyId: k, accessKeySecret: "\${ACME_KEY}", timeout: 3s }
    auth: { clients: [ { clientId: acme-cxone, clientSecret: "\${ACME_SECRET}", channels: [acme-web] } ] }
    channels: [ { id: acme-web, plugin: ./p, cxoneChannelId: chat_web } ]
`
  })
  const { config } = loadConfigFile(join(dir, 'byoc-hub.yaml'), { ACME_KEY: 'acme-access-key', ACME_SECRET: 'a'.repeat(40) })
  const acme = config.tenants![0]!
  t.equal(acme.cxone.timeout, 3000, 'durations in milliseconds')
  t.equal(acme.cxone.retries, 8, 'the cxone defaults apply per tenant')
  t.equal(acme.auth.clients[0]!.clientSecret, 'a'.repeat(40), '${ENV} replaced inside tenants[]')
  t.equal(config.cxone.mode, 'sandbox', 'the top level is the tenant default, in sandbox mode')
  const err = t.throws(() => loadConfigFile(join(dir, 'byoc-hub.yaml'), { ACME_KEY: 'acme-access-key' })) as unknown as ConfigInvalidError
  t.match(err.problems.join('\n'), 'ACME_SECRET', 'a missing variable inside tenants[] is reported')
})
