import t, { type Test } from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { eventually, http, startHub, type StartedHub } from '../../helper.js'
import { identify, WH, WidgetClient } from '../../plugins/watering-hole/ws-client.js'
import { signCustomerToken } from '../../../plugins/watering-hole/identity.js'
import { customers } from '../../../core/cli/customers.js'
import { testDir } from '../../test-dir.js'

// Issue 13.10: widget identities expire (identityTtl, renewed while in use) and one customer's can be revoked.

const SECRET = 'test-identity-secret-0123456789abcdef'
const DAY = 86_400_000
const channel = (config: Record<string, unknown> = {}) => [{ id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: 'chat_watering-hole', config: { identitySecret: SECRET, ...config } }]

/** hello on a fresh socket: the welcome frame, or the error and close code when refused. */
async function hello (t: Test, hub: StartedHub, token: string): Promise<{ welcome?: any, error?: string, closed?: number }> { // intentional any: frame JSON
  const ws = await WidgetClient.open(hub.url)
  t.teardown(() => ws.close())
  ws.send({ type: 'hello', token })
  const first = await ws.next(f => f.type === 'welcome' || f.type === 'error')
  if (first.type === 'welcome') return { welcome: first }
  await eventually(() => ws.closed !== undefined, 5000, 'socket closed')
  return { error: first.code, closed: ws.closed?.code }
}

const rename = (hub: StartedHub, token: string) => http('POST', `${hub.url}${WH}/identity`, { name: 'Zara', avatar: 'zebra', token })
const upload = (hub: StartedHub, token: string) => http('POST', `${hub.url}${WH}/attachments`, { friendlyName: 'a.txt', mimeType: 'text/plain', contentBase64: Buffer.from('hi').toString('base64') }, { authorization: `Bearer ${token}` })

t.test('a token older than identityTtl is refused everywhere; one in use is renewed', async t => {
  const hub = await startHub(t, { channels: channel() })
  const me = await identify(hub.url)
  // what the hub would have issued this customer 31 and 29 days ago (default identityTtl: 30 days)
  const stale = signCustomerToken(SECRET, me.customerId, Date.now() - 31 * DAY)
  const aging = signCustomerToken(SECRET, me.customerId, Date.now() - 29 * DAY)

  t.same(await hello(t, hub, stale), { error: 'BYOC_WATERING_HOLE_ERR_TOKEN_INVALID', closed: 4401 }, 'socket: expired')
  t.equal((await rename(hub, stale)).status, 401, 'identity: expired')
  t.equal((await upload(hub, stale)).status, 401, 'uploads: expired')

  const { welcome } = await hello(t, hub, aging)
  t.equal(welcome?.customer.customerId, me.customerId, 'a 29-day-old token still works')
  const renewed = welcome.token as string
  t.equal(renewed.split('.')[0], me.customerId, 'the welcome frame carries a renewed token for the same customer')
  t.ok(parseInt(renewed.split('.')[1]!, 36) > Date.now() - 60_000, 'issued now')
  t.equal((await upload(hub, renewed)).status, 201, 'the renewed token works')
  const viaIdentity = (await rename(hub, aging)).body.token as string
  t.ok(parseInt(viaIdentity.split('.')[1]!, 36) > Date.now() - 60_000, 'POST /identity renews too')
})

t.test('identityTtl is configurable per channel', async t => {
  const hub = await startHub(t, { channels: channel({ identityTtl: '1h' }) })
  const me = await identify(hub.url)
  t.equal((await upload(hub, signCustomerToken(SECRET, me.customerId, Date.now() - 2 * 3_600_000))).status, 401, 'two hours old with a 1h ttl')
  t.equal((await upload(hub, me.token)).status, 201, 'a fresh one')
})

t.test('revoking one customer (byoc-hub customers revoke-tokens) logs out that customer only', async t => {
  const dir = testDir(t, {})
  const hub = await startHub(t, { channels: channel() }, { dir })
  const victim = await identify(hub.url)
  const bystander = await identify(hub.url, 'Leo', 'lion')
  t.ok((await hello(t, hub, victim.token)).welcome, 'works before')

  const config = join(dir, 'byoc-hub.yaml')
  writeFileSync(config, JSON.stringify({
    auth: { clients: [{ clientId: 'sandbox', clientSecret: 'cli-secret-0123456789abcdef0123456789' }] },
    store: { driver: 'sqlite', path: join(dir, 'hub.db') },
    channels: [{ id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: 'chat_watering-hole', config: { identitySecret: SECRET } }]
  }))
  t.equal(await customers(config, ['revoke-tokens', 'watering-hole', victim.customerId]), 0, 'CLI revokes')
  t.equal(await customers(config, ['revoke-tokens', 'no-such-channel', victim.customerId]), 1, 'an unknown channel is an error')

  t.same(await hello(t, hub, victim.token), { error: 'BYOC_WATERING_HOLE_ERR_TOKEN_INVALID', closed: 4401 }, 'socket refuses the revoked token')
  t.equal((await rename(hub, victim.token)).status, 401, 'identity cannot renew a revoked token')
  t.equal((await upload(hub, victim.token)).status, 401, 'uploads refuse it')
  t.ok((await hello(t, hub, bystander.token)).welcome, 'another customer is not affected')
})

t.test('rotating identitySecret logs everyone out', async t => {
  const dir = testDir(t, {})
  const first = await startHub(t, { channels: channel() }, { dir })
  const me = await identify(first.url)
  const second = await startHub(t, { channels: [{ ...channel()[0], config: { identitySecret: 'another-identity-secret-0123456789abcdef' } }] }, { store: first.store, dir })
  t.equal((await upload(second, me.token)).status, 401)
})
