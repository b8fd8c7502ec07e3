import t from 'tap'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { buildApp } from '../../core/app.js'
import { kHub } from '../../core/symbols.js'
import { RedisStore } from '../../core/store/redis.js'
import { INBOUND_LUA } from '../../core/store/redis-lua-inbound.js'
import { http, testConfig } from '../helper.js'
import { ownRedis } from '../ha/own-redis.js'
import { testDir } from '../test-dir.js'

const ROOT = join(import.meta.dirname, '../..')
const STORE_INBOUND_SHA = createHash('sha1').update(INBOUND_LUA.storeInbound).digest('hex')

// Issue 17: a customer message costs one Redis round trip, rate limiting included. Counted with MONITOR on a Redis of
// the test's own (nothing else talks to it), the hub's background loops off so only the requests' own commands
// remain. Commands a script runs show as 'lua' and are not round trips; a MULTI ... EXEC block is one.
t.test('an inbound message is one Redis round trip (one storeInbound script), rate limiting included', async t => {
  const dir = testDir(t, { redis: {} })
  const redis = await ownRedis(t, `${dir}/redis`)
  const store = await RedisStore.connect(redis.url, 'rt:')
  t.teardown(() => store.close())
  const config = testConfig(dir, { channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: {} }] })
  const app = await buildApp(config, { baseDir: ROOT, store, background: false })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const url = `${app[kHub].selfUrl()}/channels/recorder/inbound`
  const post = (body: Record<string, string | undefined>) => http('POST', url, body)

  // warm-up: the scripts loaded on this connection, the rate limiter's first lease, a customer with a thread
  t.equal((await post({ customerId: 'otter', messageId: 'warm-1', text: 'hi' })).status, 202)

  const monitor = new Redis(redis.url)
  t.teardown(() => { monitor.disconnect() })
  const seen: Array<{ args: string[], source: string }> = []
  const mon = await monitor.monitor()
  mon.on('monitor', (_time: string, args: string[], source: string) => { seen.push({ args, source }) })
  await new Promise(resolve => setTimeout(resolve, 100))
  seen.length = 0

  const sends = [
    { customerId: 'otter', messageId: 'rt-1', text: 'same customer, current thread (guessed from the last message)' },
    { customerId: 'otter', messageId: 'rt-1', text: 'the same message again: a retry' },
    { customerId: 'badger', messageId: 'rt-2', text: 'a new customer: customer, thread and message at once', name: 'Badger' },
    { customerId: 'heron', threadId: 'heron-thread', messageId: 'rt-3', text: 'a thread the platform names' },
    { customerId: 'heron', threadId: 'heron-thread', messageId: 'rt-4', text: 'and its next message' }
  ]
  for (const body of sends) t.equal((await post(body)).status, 202, `${body.messageId} accepted`)
  await new Promise(resolve => setTimeout(resolve, 200)) // MONITOR's lines trail the replies
  mon.disconnect()

  const roundTrips: string[][] = []
  let inMulti = false
  for (const { args, source } of seen) {
    if (source === 'lua') continue // run by a script: part of its round trip
    const name = args[0]!.toLowerCase()
    if (name === 'exec') { inMulti = false; continue }
    if (inMulti) continue
    if (name === 'multi') inMulti = true
    roundTrips.push(args)
  }
  const scripts = roundTrips.filter(a => a[0]!.toLowerCase() === 'evalsha' && a[1] === STORE_INBOUND_SHA)
  const others = roundTrips.filter(a => !scripts.includes(a))
  t.equal(scripts.length, sends.length, `one storeInbound script per message (${scripts.length} for ${sends.length})`)
  // the only other round trip allowed: the limiter's lease when a new window starts (once a minute per key)
  const leases = others.filter(a => a[0]!.toLowerCase() === 'multi')
  t.same(others.filter(a => a[0]!.toLowerCase() !== 'multi'), [], 'no other command')
  t.ok(leases.length <= 1, `at most one rate-limit lease (a window may have started): ${leases.length}`)
  t.comment(`round trips for ${sends.length} messages: ${roundTrips.length} (${scripts.length} storeInbound, ${leases.length} lease)`)

  // what was stored: the five sends, the retry a duplicate
  t.equal((await store.getCustomer('recorder', 'badger'))?.name, 'Badger')
  t.equal((await store.getMessage('recorder', 'rt-4'))?.threadId, 'heron-thread')
  t.equal((await store.getMessage('recorder', 'rt-1'))?.threadId, (await store.getMessage('recorder', 'warm-1'))?.threadId, 'the current thread kept')
})
