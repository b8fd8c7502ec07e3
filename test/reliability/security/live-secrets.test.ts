import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { join } from 'node:path'
import { CLIENT, ROOT } from '../../helper.js'
import { freePort, spawnHub, writeHubConfig } from '../../process/spawn-hub.js'
import { liveHubConfig } from '../harness/hub-config.js'
import { testDir } from '../../test-dir.js'

// `byoc-hub start` as an operator runs it (the built CLI; npm run build first)
const start = (config: string) => promisify(execFile)(process.execPath, [join(ROOT, 'bin/byoc-hub.js'), 'start', '--config', config], { cwd: ROOT, timeout: 60_000 })
  .then(() => ({ code: 0, stderr: '' }), (e: { code: number, stderr: string }) => e)

const IDENTITY = 'live-identity-secret-0123456789abcdef-xyz'
const withIdentity = (identitySecret: string) => [{ id: 'watering-hole', plugin: join(ROOT, 'plugins/watering-hole'), cxoneChannelId: 'chat_wh', config: { identitySecret } }]

t.test('live mode: a shipped or short secret stops `byoc-hub start` with the key named', async t => {
  const dir = testDir(t, {})
  const port = await freePort()
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['the shipped sandbox client secret', { auth: { clients: [{ clientId: 'cxone', clientSecret: 'sandbox-client-secret-change-me' }] } }, /auth\.clients\[0\]\.clientSecret: is a value shipped in this repository/],
    ['a one-character client secret', { auth: { clients: [CLIENT, { clientId: 'b', clientSecret: 'x' }] } }, /auth\.clients\[1\]\.clientSecret: is 1 characters; live mode needs at least 32/],
    ['the shipped dev identity secret (a plugin secret)', { auth: { clients: [CLIENT] }, channels: withIdentity('dev-only-identity-secret-change-me-0123456789') }, /channels\[0\]\.config\.identitySecret: is a value shipped in this repository/],
    ['the k8s example as CXone\'s access key secret', { auth: { clients: [CLIENT] }, cxone: { mode: 'live', authUrl: 'http://127.0.0.1:9/t', apiBaseUrl: 'http://127.0.0.1:9', accessKeyId: 'ak', accessKeySecret: 'change-me' } }, /cxone\.accessKeySecret: is a value shipped/]
  ]
  for (const [name, over, expected] of cases) {
    const res = await start(writeHubConfig(dir, 'bad', liveHubConfig(port, dir, over)))
    t.not(res.code, 0, `${name}: exits non-zero`)
    t.match(res.stderr, expected, `${name}: names the key`)
  }
  // control: the same config with strong secrets starts, so the refusals above are the secrets' doing
  const hub = await spawnHub(writeHubConfig(dir, 'good', liveHubConfig(port, dir, { auth: { clients: [CLIENT] }, channels: withIdentity(IDENTITY) })), port)
  t.teardown(() => hub.kill())
  t.equal((await fetch(`${hub.url}/health/live`)).status, 200, 'strong secrets: the hub runs')
})

t.test('S-17: a ${VAR} the environment lacks stops `byoc-hub start`, naming the variable and not a value', async t => {
  const dir = testDir(t, {})
  const port = await freePort()
  const secret = 'a-real-looking-secret-that-must-not-be-printed-0123456789'
  const config = liveHubConfig(port, dir, { auth: { clients: [{ clientId: 'cxone', clientSecret: '${S17_UNSET_CLIENT_SECRET}' }] }, channels: withIdentity(secret) })
  delete process.env.S17_UNSET_CLIENT_SECRET // the child inherits this environment
  const res = await start(writeHubConfig(dir, 'unset-var', config))
  t.not(res.code, 0, 'exits non-zero')
  t.match(res.stderr, /auth\/clients\/0\/clientSecret: environment variable S17_UNSET_CLIENT_SECRET is not set/, 'names the variable and where it is used')
  t.notMatch(res.stderr, secret, 'prints no secret from the same file')
})
