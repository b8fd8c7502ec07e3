import t from 'tap'
import { validateConfig, ConfigInvalidError } from '../../config/load.js'
import { validateChannelConfig, ChannelConfigInvalidError } from '../../core/channels/loader.js'
import wateringHole from '../../plugins/watering-hole/index.js'
import genericWebhook from '../../plugins/generic-webhook/index.js'
import { SHIPPED_SECRETS } from '../../config/shipped-secrets.js'

const STRONG = 'k7Qx2v9LmP4rT8wZ1nB6yH3cF5dJ0sAe'
const live = (over: Record<string, unknown> = {}) => ({
  auth: { clients: [{ clientId: 'cxone', clientSecret: STRONG }] },
  cxone: { mode: 'live', authUrl: 'https://cxone.example/auth/token', apiBaseUrl: 'https://api.example', accessKeyId: 'ak', accessKeySecret: 'cxone-issued' },
  ...over
})
const problemsOf = (fn: () => unknown): string[] => {
  try { fn(); return [] } catch (err) {
    if (err instanceof ConfigInvalidError || err instanceof ChannelConfigInvalidError) return err.problems
    throw err
  }
}

t.test('live mode refuses every shipped secret and short client secrets, naming the key', async t => {
  t.same(problemsOf(() => validateConfig(live())), [], 'a strong client secret and a CXone-issued secret of any length pass')
  for (const shipped of SHIPPED_SECRETS) {
    const problems = problemsOf(() => validateConfig(live({ auth: { clients: [{ clientId: 'a', clientSecret: STRONG }, { clientId: 'b', clientSecret: shipped }] } })))
    t.match(problems, [/^auth\.clients\[1\]\.clientSecret: is a value shipped in this repository/], `'${shipped}' refused`)
  }
  t.match(problemsOf(() => validateConfig(live({ auth: { clients: [{ clientId: 'a', clientSecret: 'x' }] } }))),
    [/^auth\.clients\[0\]\.clientSecret: is 1 characters; live mode needs at least 32/])
  t.match(problemsOf(() => validateConfig(live({ cxone: { ...live().cxone as object, accessKeySecret: 'sandbox-secret' } }))),
    [/^cxone\.accessKeySecret: is a value shipped/], 'CXone-issued secrets: shipped values refused too')
  t.match(problemsOf(() => validateConfig(live({ metrics: { bearerToken: 'short-token' } }))), [/^metrics\.bearerToken: is 11 characters/])
})

t.test('sandbox mode keeps its public defaults (the sandbox is a local emulator)', async t => {
  t.same(problemsOf(() => validateConfig({ auth: { clients: [{ clientId: 'sandbox', clientSecret: 'sandbox-client-secret-change-me' }] } })), [])
})

t.test('plugin secrets are found by the x-secret mark in the plugin\'s own schema', async t => {
  t.match(problemsOf(() => validateChannelConfig(wateringHole, { identitySecret: 'dev-only-identity-secret-change-me-0123456789' }, 2, true)),
    [/^channels\[2\]\.config\.identitySecret: is a value shipped in this repository/])
  t.same(problemsOf(() => validateChannelConfig(wateringHole, { identitySecret: 'dev-only-identity-secret-change-me-0123456789' }, 2, false)), [], 'not in sandbox mode')
  const webhook = { platformUrl: 'https://p.example/hook', mapping: { messageId: '/id', customerId: '/u', text: '/t' } }
  t.match(problemsOf(() => validateChannelConfig(genericWebhook, { ...webhook, secret: 'whsec_c2hvcnQtc2VjcmV0' }, 0, true)),
    [/^channels\[0\]\.config\.secret: is 22 characters; live mode needs at least 32/])
  t.same(problemsOf(() => validateChannelConfig(genericWebhook, { ...webhook, secret: `whsec_${Buffer.alloc(24, 7).toString('base64')}` }, 0, true)), [], 'a real Standard Webhooks secret (24 bytes) passes')
})

t.test('server.trustProxy: a hop count or a CIDR list; true is refused with the reason', async t => {
  const base = { auth: { clients: [{ clientId: 'sandbox', clientSecret: 's' }] } }
  t.equal(validateConfig({ ...base, server: { trustProxy: '${TP}' } }, { TP: '1' }).server.trustProxy, 1, 'a hop count from the environment')
  t.same(validateConfig({ ...base, server: { trustProxy: '${TP}' } }, { TP: '10.0.0.0/8, 192.168.1.7' }).server.trustProxy, ['10.0.0.0/8', '192.168.1.7'])
  t.same(validateConfig({ ...base, server: { trustProxy: ['loopback', '::1/128'] } }).server.trustProxy, ['loopback', '::1/128'])
  for (const bad of [true, '${TP}']) {
    t.match(problemsOf(() => validateConfig({ ...base, server: { trustProxy: bad } }, { TP: 'true' })), [/^\/server\/trustProxy: true trusts the X-Forwarded-For a client sends itself/])
  }
  t.match(problemsOf(() => validateConfig({ ...base, server: { trustProxy: ['10.0.0.0/33', 'proxy.local'] } })), [/trustProxy\/0: '10\.0\.0\.0\/33' is not/, /trustProxy\/1: 'proxy\.local' is not/])
})
