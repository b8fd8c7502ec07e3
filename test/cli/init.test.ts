import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../helper.js'
import { parseDotEnv } from '../../config/dotenv.js'
import { isShippedSecret } from '../../config/shipped-secrets.js'
import { testDir } from '../test-dir.js'

// the built CLI (npm run build), in a clean environment: no variable of this test run leaks into the config
const run = promisify(execFile)
const cli = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, [join(ROOT, 'bin/byoc-hub.js'), ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } })
    .then(r => ({ code: 0, ...r }), (e: { code: number, stdout: string, stderr: string }) => e)

const CXONE = { PUBLIC_URL: 'https://hub.example.com', CXONE_AUTH_URL: 'https://cxone.example/auth/token', CXONE_API_BASE_URL: 'https://api.example', CXONE_ACCESS_KEY_ID: 'ak', CXONE_ACCESS_KEY_SECRET: 'issued-by-cxone' }

t.test('.env parsing: comments, export, quotes', async t => {
  t.same(parseDotEnv('# c\n\nexport A=1\nB = "two words"\nC=\'x#y\'\nD=plain # trailing\nE="l1\\nl2"\nnot a line\n'),
    { A: '1', B: 'two words', C: 'x#y', D: 'plain', E: 'l1\nl2' })
})

t.test('init writes a config and a 0600 .env of generated secrets, that check-config (and start) load', async t => {
  const dir = testDir(t, {})
  const first = await cli(['init', '--dir', dir])
  t.equal(first.code, 0, first.stderr)
  const env = parseDotEnv(readFileSync(join(dir, '.env'), 'utf8'))
  t.equal(statSync(join(dir, '.env')).mode & 0o777, 0o600, '.env is readable by its owner only')
  for (const key of ['BYOC_CLIENT_SECRET', 'WH_IDENTITY_SECRET']) {
    t.ok(env[key]!.length >= 32 && !isShippedSecret(env[key]!), `${key} generated, ${env[key]!.length} characters`)
  }
  const checked = await cli(['check-config', '--config', join(dir, 'byoc-hub.yaml')])
  t.equal(checked.code, 0, checked.stderr)
  t.match(checked.stdout, /clientId: sandbox/)
  t.notMatch(checked.stdout, env.BYOC_CLIENT_SECRET!, 'secrets read from .env are redacted')
  const overridden = await cli(['check-config', '--config', join(dir, 'byoc-hub.yaml')], { BYOC_CLIENT_ID: 'from-the-real-env' })
  t.match(overridden.stdout, /clientId: from-the-real-env/, 'the real environment wins over .env')

  const again = await cli(['init', '--dir', dir])
  t.equal(again.code, 1, 'existing files are not overwritten')
  t.match(again.stderr, /--force/)
  t.same(parseDotEnv(readFileSync(join(dir, '.env'), 'utf8')), env, '.env unchanged')
  writeFileSync(join(dir, '.env'), 'X=1\n', { mode: 0o644 })
  t.equal((await cli(['init', '--dir', dir, '--force'])).code, 0)
  t.not(parseDotEnv(readFileSync(join(dir, '.env'), 'utf8')).BYOC_CLIENT_SECRET, env.BYOC_CLIENT_SECRET, '--force writes new secrets')
  t.equal(statSync(join(dir, '.env')).mode & 0o777, 0o600, 'and the replaced .env is 0600 again')
})

t.test('init --live: valid in live mode once the CXone values are there; a short secret in the env is refused by name', async t => {
  const dir = testDir(t, {})
  t.equal((await cli(['init', '--live', '--dir', dir])).code, 0)
  const config = join(dir, 'byoc-hub.yaml')
  const missing = await cli(['check-config', '--config', config])
  t.equal(missing.code, 1)
  t.match(missing.stderr, /CXONE_ACCESS_KEY_SECRET is not set/, 'the CXone values are for the operator to fill in')
  const ok = await cli(['check-config', '--config', config], CXONE)
  t.equal(ok.code, 0, ok.stderr)
  t.match(ok.stdout, /mode: live/)
  const short = await cli(['check-config', '--config', config], { ...CXONE, BYOC_CLIENT_SECRET: 'too-short' })
  t.equal(short.code, 1)
  t.match(short.stderr, /auth\.clients\[0\]\.clientSecret: is 9 characters; live mode needs at least 32/)
})

t.test('check-config warns when one of several clients has no channels', async t => {
  const dir = testDir(t, {
    'hub.yaml': `
auth:
  clients:
    - { clientId: sandbox, clientSecret: s1, channels: [watering-hole] }
    - { clientId: other, clientSecret: s2 }
channels:
  - { id: watering-hole, plugin: ${join(ROOT, 'plugins/watering-hole')}, cxoneChannelId: chat_wh, config: { identitySecret: test-identity-secret-0123456789abcdef } }
`
  })
  const res = await cli(['check-config', '--config', join(dir, 'hub.yaml')])
  t.equal(res.code, 0, res.stderr)
  t.match(res.stderr, /warning: auth\.clients\[1\] \('other'\) has no channels/)
  t.notMatch(res.stderr, /auth\.clients\[0\]/)
})
