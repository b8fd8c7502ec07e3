import t, { type Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { eventually, http, startHub, type StartedHub } from '../helper.js'
import { identify, WidgetClient } from '../plugins/watering-hole/ws-client.js'
import { customers } from '../../core/cli/customers.js'
import { deadLetters } from '../../core/cli/dead-letters.js'
import { recordsOfExport } from '../../core/privacy/export.js'
import { Redis } from 'ioredis'
import { RedisStore } from '../../core/store/redis.js'
import { freshPrefix, redisUrl } from '../store/redis-server.js'
import { testDir } from '../test-dir.js'

// Issue 19, privacy: erasure and export through the admin API and the CLI, on a hub with its CXone sandbox.

const ADMIN = 'admin-token-0123456789abcdef0123456789abcdef'
const SECRET = 'test-identity-secret-0123456789abcdef'
const METRICS = 'metrics-token-0123456789'
const admin = (token = ADMIN): Record<string, string> => ({ authorization: `Bearer ${token}` })

/** A widget customer who said `text`, stored by the hub and delivered to the emulated CXone. */
async function chatted (t: Test, hub: StartedHub, name: string, text: string): Promise<{ token: string, customerId: string }> {
  const me = await identify(hub.url, name, 'zebra')
  const ws = await WidgetClient.open(hub.url)
  t.teardown(() => ws.close())
  ws.send({ type: 'hello', token: me.token })
  await ws.next(f => f.type === 'welcome')
  ws.send({ type: 'message', clientMessageId: randomUUID(), text, attachments: [] })
  await eventually(async () => {
    const [thread] = await hub.store.listThreads({ channelId: 'watering-hole', customerId: me.customerId })
    return thread && (await hub.store.listMessages('watering-hole', thread.threadId)).some(m => m.text === text)
  }, 10_000, 'message stored')
  await eventually(async () => (await hub.store.outboxStats()).pending === 0, 10_000, 'delivered to the sandbox')
  return me
}

async function hello (t: Test, hub: StartedHub, token: string): Promise<string> {
  const ws = await WidgetClient.open(hub.url)
  t.teardown(() => ws.close())
  ws.send({ type: 'hello', token })
  return (await ws.next(f => f.type === 'welcome' || f.type === 'error')).type === 'welcome' ? 'welcome' : 'refused'
}

const fileBytes = (db: string): string => [db, `${db}-wal`].filter(f => existsSync(f)).map(f => readFileSync(f).toString('latin1')).join('\n')

t.test('the admin API is off without admin.token, and refuses a wrong token', async t => {
  const off = await startHub(t)
  t.equal((await http('GET', `${off.url}/admin/channels`, undefined, admin())).status, 404, 'no admin routes')
  const on = await startHub(t, { admin: { token: ADMIN } })
  const none = await http('GET', `${on.url}/admin/channels`)
  t.equal(none.status, 401)
  t.equal(none.body.error.code, 'BYOC_ERR_ADMIN_UNAUTHORIZED')
  t.equal((await http('GET', `${on.url}/admin/channels`, undefined, admin(ADMIN.slice(0, -1) + 'X'))).status, 401, 'one character off')
  t.equal((await http('GET', `${on.url}/admin/channels`, undefined, admin(ADMIN + 'X'))).status, 401, 'one character longer')
  const status = await http('GET', `${on.url}/admin/channels`, undefined, admin())
  t.equal(status.status, 200)
  t.match(status.body, { channels: [{ id: 'watering-hole', cxoneChannelId: 'chat_watering-hole', openConversations: 0 }], outbox: { pending: 0, dead: 0 } })
  const spec = (await http('GET', `${on.url}/openapi.json`)).body
  t.ok(spec.tags.some((tag: { name: string }) => tag.name === 'admin'), 'the admin tag')
  for (const path of ['/admin/channels', '/admin/dead-letters', '/admin/dead-letters/{jobId}/replay', '/admin/dead-letters/replay', '/admin/customers/erase', '/admin/customers/export']) {
    const ops = Object.values(spec.paths[path] ?? {}) as Array<{ tags: string[] }>
    t.ok(ops.length > 0 && ops.every(op => op.tags.includes('admin')), `${path} in the OpenAPI document under admin`)
  }
  t.equal((await http('POST', `${on.url}/admin/customers/erase`, { channelId: 'watering-hole' }, admin())).status, 400, 'the body is validated')
})

t.test('erasure through the CLI and the running hub: no trace in the SQLite file, identity refused, emulator records gone', async t => {
  const dir = testDir(t, {})
  const hub = await startHub(t, { admin: { token: ADMIN }, metrics: { bearerToken: METRICS } }, { dir })
  const victimName = `Zelda ${randomUUID()}`
  const victimText = `my secret is ${randomUUID()}`
  const victim = await chatted(t, hub, victimName, victimText)
  const bystander = await chatted(t, hub, 'Leo Bystander', 'I stay')
  const [thread] = await hub.store.listThreads({ channelId: 'watering-hole', customerId: victim.customerId })
  // an undelivered job of the victim's conversation (held back an hour), and an ordinary dead letter
  const held = (await hub.store.enqueue({ kind: 'platform.deliver', orderKey: `platform:watering-hole:${thread!.threadId}`, payload: { channelId: 'watering-hole', messageId: 'later' }, runAt: Date.now() + 3_600_000 }))!
  const config = join(dir, 'cli.yaml')
  writeFileSync(config, JSON.stringify({
    auth: { clients: [{ clientId: 'sandbox', clientSecret: 'cli-secret-0123456789abcdef0123456789' }] },
    store: { driver: 'sqlite', path: join(dir, 'hub.db') },
    admin: { token: ADMIN },
    channels: [{ id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: 'chat_watering-hole', config: { identitySecret: SECRET } }]
  }))
  process.env.BYOC_HUB_URL = hub.url
  t.teardown(() => { delete process.env.BYOC_HUB_URL })

  // export first: through the hub (CLI, --out) and the API give the same transcript, which round-trips
  const out = join(dir, 'export.json')
  t.equal(await customers(config, ['export', 'watering-hole', victim.customerId], { out }), 0)
  const viaCli = readFileSync(out, 'utf8')
  const viaApi = await http('POST', `${hub.url}/admin/customers/export`, { channelId: 'watering-hole', customerId: victim.customerId }, admin())
  t.equal(viaApi.status, 200)
  const { exportedAt: _a, ...fromCli } = JSON.parse(viaCli)
  const { exportedAt: _b, ...fromApi } = viaApi.body
  t.same(fromCli, fromApi, 'the CLI went through the admin API')
  t.equal(fromApi.customer.name, victimName)
  const back = recordsOfExport(viaCli)
  t.same(back.messages, await hub.store.listMessages('watering-hole', thread!.threadId), 'the transcript round-trips')

  const db = join(dir, 'hub.db')
  for (const needle of [victim.customerId, victimName, victimText]) t.ok(fileBytes(db).includes(needle), `the file holds '${needle}' before`)
  const emulated = await hub.store.listDocs<{ customerId?: string }>('sandbox:threads')
  t.ok(emulated.some(th => th.customerId === victim.customerId), 'the emulated CXone knows the customer')
  t.equal(await hello(t, hub, victim.token), 'welcome')

  const lines: string[] = []
  const log = console.log
  console.log = (...args: unknown[]) => { lines.push(args.join(' ')) }
  let code: number
  try { code = await customers(config, ['erase', 'watering-hole', victim.customerId]) } finally { console.log = log }
  t.equal(code, 0, lines.join('\n'))
  const report = lines.join('\n')
  t.match(report, /conversations 1, messages \d+/)
  t.match(report, /undelivered jobs made dead letters \(reason erased\): 1/)
  t.match(report, /sandbox emulator records [1-9]/)
  t.match(report, 'widget identity revoked: yes')
  t.match(report, 'WAL checkpointed and truncated: yes')

  for (const needle of [victim.customerId, victimName, victimText]) t.notOk(fileBytes(db).includes(needle), `no bytes of '${needle}' left in the SQLite file`)
  t.ok(fileBytes(db).includes('Leo Bystander'), 'the bystander is still there')
  t.equal(await hello(t, hub, victim.token), 'refused', 'the erased customer\'s identity is refused')
  t.equal(await hello(t, hub, bystander.token), 'welcome', 'the bystander\'s works')
  t.notOk((await hub.store.listDocs<{ customerId?: string }>('sandbox:threads')).some(th => th.customerId === victim.customerId), 'the emulator\'s records went too')

  // dead letters: the erased job is listed with reason erased and cannot be replayed; an ordinary one can
  const printed: string[] = []
  const [log2, err2] = [console.log, console.error]
  console.log = (...args: unknown[]) => { printed.push(args.join(' ')) }
  console.error = (...args: unknown[]) => { printed.push(args.join(' ')) }
  try {
    t.equal(await deadLetters(config, ['list'], false), 0)
    t.equal(await deadLetters(config, ['replay', String(held.jobId)], false), 1, 'the CLI (through the hub) refuses to replay it')
  } finally { console.log = log2; console.error = err2 }
  t.match(printed.join('\n'), new RegExp(`${held.jobId}\tplatform.deliver\terased:${held.jobId}\t.*\terased`))
  t.match(printed.join('\n'), 'stopped by an erasure')
  const listed = await http('GET', `${hub.url}/admin/dead-letters`, undefined, admin())
  t.match(listed.body.deadLetters, [{ jobId: String(held.jobId), kind: 'platform.deliver', reason: 'erased', orderKey: `erased:${held.jobId}` }])
  t.notMatch(JSON.stringify(listed.body), victim.customerId)
  const refused = await http('POST', `${hub.url}/admin/dead-letters/${held.jobId}/replay`, undefined, admin())
  t.equal(refused.status, 409)
  t.equal(refused.body.error.code, 'BYOC_ERR_DEAD_LETTER_ERASED')
  t.equal((await http('POST', `${hub.url}/admin/dead-letters/999999/replay`, undefined, admin())).body.error.code, 'BYOC_ERR_DEAD_LETTER_UNKNOWN')
  const other = (await hub.store.enqueue({ kind: 'test.noop', orderKey: 'x', payload: {}, runAt: Date.now() + 3_600_000 }))!
  await hub.store.claimJobs('me', 100, 60_000, Date.now() + 7_200_000)
  await hub.store.buryJob(other.jobId, 'me', 'HTTP 400')
  t.same((await http('POST', `${hub.url}/admin/dead-letters/replay`, undefined, admin())).body, { replayed: 1, skipped: 1 })

  const again = await http('POST', `${hub.url}/admin/customers/erase`, { channelId: 'watering-hole', customerId: victim.customerId }, admin())
  t.match(again.body, { removed: { customer: 0, threads: 0, messages: 0 }, identityRevoked: true }, 'erasing again through the API is harmless')
  const metrics = await http('GET', `${hub.url}/metrics`, undefined, { authorization: `Bearer ${METRICS}` })
  t.match(String(metrics.body), /^byoc_privacy_erasures_total 2$/m, 'erasures are counted')
})

t.test('without admin.token the CLI works on the store directly', async t => {
  const dir = testDir(t, {})
  const hub = await startHub(t, {}, { dir })
  const me = await chatted(t, hub, 'Direct Dora', 'straight to the store')
  const config = join(dir, 'cli.yaml')
  writeFileSync(config, JSON.stringify({
    auth: { clients: [{ clientId: 'sandbox', clientSecret: 'cli-secret-0123456789abcdef0123456789' }] },
    store: { driver: 'sqlite', path: join(dir, 'hub.db') },
    channels: [{ id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: 'chat_watering-hole', config: { identitySecret: SECRET } }]
  }))
  const out = join(dir, 'export.json')
  t.equal(await customers(config, ['export', 'watering-hole', me.customerId], { out }), 0)
  t.equal(recordsOfExport(readFileSync(out, 'utf8')).customer?.name, 'Direct Dora')
  const log = console.log
  console.log = () => {}
  try { t.equal(await customers(config, ['erase', 'watering-hole', me.customerId]), 0) } finally { console.log = log }
  t.equal(await hub.store.getCustomer('watering-hole', me.customerId), undefined)
  t.equal(await hello(t, hub, me.token), 'refused', 'the running hub refuses the identity the CLI erased')
  t.equal(await customers(config, ['erase', 'watering-hole']), 1, 'usage')
})

t.test('on Redis: erasure through the admin API leaves no key or value naming the customer, and the identity is refused', async t => {
  const url = await redisUrl()
  const probe = new Redis(url)
  t.teardown(() => probe.quit())
  const store = await RedisStore.connect(url, freshPrefix(t, probe))
  t.teardown(() => store.close())
  const hub = await startHub(t, { admin: { token: ADMIN } }, { store })
  const name = `Rita ${randomUUID()}`
  const text = `redis secret ${randomUUID()}`
  const me = await chatted(t, hub, name, text)
  await chatted(t, hub, 'Leo Bystander', 'I stay')
  const keyspace = async (): Promise<string> => {
    const out: string[] = []
    for (const key of await probe.keys(store.keyspace.replace(/[*?[\]\\]/g, c => '\\' + c) + '*')) {
      const type = await probe.type(key)
      const value = type === 'hash' ? await probe.hgetall(key) : type === 'string' ? await probe.get(key) : type === 'zset' ? await probe.zrange(key, 0, -1) : type === 'set' ? await probe.smembers(key) : type
      out.push(key, JSON.stringify(value))
    }
    return out.join('\n')
  }
  for (const needle of [me.customerId, name, text]) t.ok((await keyspace()).includes(needle), `the keyspace holds '${needle}' before`)
  const res = await http('POST', `${hub.url}/admin/customers/erase`, { channelId: 'watering-hole', customerId: me.customerId }, admin())
  t.equal(res.status, 200)
  t.match(res.body, { removed: { customer: 1, threads: 1 }, identityRevoked: true, store: { driver: 'redis' } })
  t.ok(res.body.removed.emulatorRecords > 0, 'the emulator\'s records went too')
  const after = await keyspace()
  for (const needle of [me.customerId, name, text]) t.notOk(after.includes(needle), `no key or value holds '${needle}'`)
  t.ok(after.includes('Leo Bystander'))
  t.equal(await hello(t, hub, me.token), 'refused', 'the erased customer\'s identity is refused')
})
