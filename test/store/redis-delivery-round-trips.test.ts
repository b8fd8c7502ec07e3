import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'
import { RedisStore } from '../../core/store/redis.js'
import { LUA } from '../../core/store/redis-lua.js'
import { OutboxWorker, type OutboxWorkerOptions } from '../../core/delivery/outbox-worker.js'
import { createJobHandlers } from '../../core/conversations/job-handlers.js'
import { kCxone } from '../../core/boot/cxone.js'
import { startFakePlatform } from '../fake-platform.js'
import { cxoneToken, eventually, http, startHub } from '../helper.js'

// Issue 17: on Redis, a delivered job costs no round trip of its own: its claim (which reads its message) and its
// completion (with the message status it sets) are one Lua call per worker tick, shared by every job of the tick.
// Counted with MONITOR on a Redis of this test's own, never by timing: the worker runs on a store connection of its
// own (the hub's job handlers over it), so every command from that connection's address is the delivery's.

const CUSTOMERS = 24
const PER_CUSTOMER = 2
const JOBS = CUSTOMERS * PER_CUSTOMER

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

/** A redis-server of this test's own (no persistence), stopped when the test ends. */
async function ownRedis (t: Test): Promise<string> {
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  t.teardown(() => { child.kill() })
  const url = `redis://127.0.0.1:${port}`
  await eventually(async () => {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    probe.on('error', () => {})
    try { await probe.connect(); return await probe.ping() === 'PONG' } catch { return false } finally { probe.disconnect() }
  }, 10_000, 'redis-server up')
  return url
}

t.test('a delivered agent message costs no call of its own; claims (with its message) and completions are shared Lua calls', async t => {
  const url = await ownRedis(t)
  const store = await RedisStore.connect(url, 'rt:')
  t.teardown(() => store.close())
  const platform = await startFakePlatform(t)
  const hub = await startHub(t, { channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: { deliverUrl: platform.url } }] }, { store })
  const token = await cxoneToken(hub)

  // the threads, then the hub's own worker stopped: the agent messages queue up while nothing delivers
  const threads: string[] = []
  for (let i = 0; i < CUSTOMERS; i++) {
    const res = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: `gnu-${i}`, messageId: `in-${i}`, text: 'hi' })
    threads.push(res.body.messages[0].threadId)
  }
  await eventually(async () => (await store.outboxStats()).pending === 0, 15_000, 'the inbound messages delivered to CXone')
  const { opts } = hub.hub.worker as unknown as { opts: OutboxWorkerOptions }
  await hub.hub.worker.stop(1_000)
  for (let round = 0; round < PER_CUSTOMER; round++) {
    for (const threadId of threads) {
      const res = await http('POST', `${hub.box}/2.0/channel/chat_recorder/outbound`, { thread: { idOnExternalPlatform: threadId }, messageContent: { type: 'TEXT', payload: { text: `reply ${round}` } } }, { authorization: `Bearer ${token}` })
      t.equal(res.status, 200)
    }
  }
  t.equal((await store.outboxStats()).pending, JOBS, 'every reply queued')

  // every command from here to the worker's stop is the delivery's, or a background loop's (told apart below)
  // connected (its layout check done) before MONITOR starts
  const workerStore = await RedisStore.connect(url, 'rt:')
  t.teardown(() => workerStore.close())
  const addr = /addr=(\S+)/.exec(await (workerStore.redis as Redis).client('INFO') as string)![1]
  const watcher = new Redis(url)
  const monitor = await watcher.monitor()
  t.teardown(() => { monitor.disconnect(); watcher.disconnect() })
  const commands: string[][] = []
  let recording = true
  // the worker's connection only; MONITOR also shows the commands a script runs inside Redis (source 'lua')
  monitor.on('monitor', (_time: string, args: string[], source: string) => { if (recording && source === addr) commands.push(args) })
  await new Promise(resolve => setTimeout(resolve, 100)) // MONITOR is on before the worker starts
  const handlers = createJobHandlers({ store: workerStore, channels: hub.hub.channels, dfoOf: (channel) => hub.app[kCxone].forChannel(channel).dfo, conversations: hub.hub.conversations })
  const worker = new OutboxWorker({ ...opts, store: workerStore, handlers })
  worker.start()
  await eventually(() => platform.messages.length >= JOBS, 30_000, 'every reply at the platform')
  await worker.stop(5_000) // records the last tick's outcomes
  await new Promise(resolve => setTimeout(resolve, 100)) // the last MONITOR lines arrive
  recording = false

  const monitorEscaped = (text: string): string => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')
  const scriptByText = new Map(Object.entries(LUA).map(([name, lua]) => [monitorEscaped(lua), name]))
  const scriptOf = new Map(Object.entries(LUA).map(([name, lua]) => [createHash('sha1').update(lua).digest('hex'), name]))
  const named = commands.map(([command, ...args]) => {
    const c = command.toLowerCase()
    if (c === 'evalsha') return `script:${scriptOf.get(args[0]!) ?? args[0]}`
    // ioredis falls back to EVAL (the script's text, as MONITOR escapes it) when a connection's EVALSHA finds no script
    if (c === 'eval') return `script:${scriptByText.get(args[0]!) ?? 'unknown'}`
    return `${c}:${(args[0] ?? '').replace(/^\{rt:\}/, '').split(':')[0]}`
  })
  const count = (what: string): number => named.filter(n => n === what).length
  const delivery = named
  const ticks = count('script:settleAndClaim')
  const messageReads = count('hgetall:m')
  t.comment(`${JOBS} jobs delivered: ${delivery.length} delivery commands (${messageReads} message reads, ${ticks} settleAndClaim calls), ` +
    `${(delivery.length / JOBS).toFixed(2)} round trips per job`)
  t.equal(messageReads, 0, 'no job reads its message: the claim brought it')
  t.same(delivery.filter(n => n !== 'script:settleAndClaim'), [], 'nothing else per job: no message or thread read, status write or single completion')
  t.ok(ticks <= JOBS + 2, `settleAndClaim calls (${ticks}) at most one per job (shared when jobs finish in one tick)`)
  t.ok(delivery.length <= JOBS + 2, 'at most one round trip per job, all counted (was 5 before settleAndClaim, 2 before the claim read the message)')

  for (const threadId of threads) {
    const messages = await store.listMessages('recorder', threadId)
    t.same(messages.filter(m => m.direction === 'outbound').map(m => m.status), ['sent', 'sent'], `${threadId}: both replies marked sent with their completion`)
  }
  t.same(await store.outboxStats().then(s => s.pending), 0, 'every job completed')
  t.equal(new Set(platform.messages.map(m => m.id)).size, JOBS, 'each reply reached the platform once')
})
