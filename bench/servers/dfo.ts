import Fastify from 'fastify'
import { sandboxPlugin } from '../../core/sandbox/index.js'
import { SqliteStore } from '../../core/store/sqlite.js'
import { childArgs, serveCommands } from '../lib/rpc.js'
import { nowMs, percentiles } from '../lib/probes.js'
import { CONSOLE_TOKEN, DFO_KEY } from '../lib/constants.js'

/**
 * CXone for the bench: the sandbox DFO emulator (in-memory SQLite, answering at once unless faults say otherwise)
 * in a process of its own, shared by the hub and the baselines. It notes when each created message arrives
 * (message text starts with `t=<send time>;`), and it is also the chat platform the recorder channel posts to.
 */
const args = childArgs<{ channels: Array<{ id: string, name: string }> }>()
const store = new SqliteStore(':memory:')
const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 })
let arrivals: number[] = []
let created = 0
// distinct messages (the text after its send time), so a call the hub timed out and sent again counts once
let distinct = new Set<string>()

// Idle timers as the customer's platform sees them (the recorder channel posts its signals here): a warning is late
// by its arrival minus (the thread's last customer message's send time + timeout), a close by its arrival minus the
// warning's endsAt. The send time is the load generator's, before the hub stored the message, so lateness never
// reads lower than it was.
let idle: { timeoutMs: number, countdownMs: number } | undefined
const lastSent = new Map<string, number>()
const endsAt = new Map<string, number>()
let warningLate: number[] = []
let closeLate: number[] = []

app.addHook('preHandler', async (req) => {
  if (req.method !== 'POST' || !req.url.endsWith('/messages')) return
  const body = req.body as { messageContent?: { payload?: { text?: string } }, thread?: { idOnExternalPlatform?: string } } | undefined
  const text = body?.messageContent?.payload?.text
  created++
  const m = text ? /^t=([\d.]+);/.exec(text) : null
  if (m) {
    arrivals.push(nowMs() - Number(m[1]))
    distinct.add(text!.slice(m[0].length))
  }
  if (m && idle && body?.thread?.idOnExternalPlatform) lastSent.set(body.thread.idOnExternalPlatform, Number(m[1]))
})
app.post('/platform/signals', async (req, reply) => {
  const e = req.body as { type?: string, threadId?: string, endsAt?: number, reason?: string }
  if (idle && e.threadId) {
    const at = nowMs()
    const sent = lastSent.get(e.threadId)
    if (e.type === 'idle-warning' && typeof e.endsAt === 'number') {
      endsAt.set(e.threadId, e.endsAt)
      if (sent !== undefined) warningLate.push(at - (sent + idle.timeoutMs))
    } else if (e.type === 'thread-closed' && e.reason === 'idle') {
      const due = endsAt.get(e.threadId)
      if (due !== undefined) closeLate.push(at - due)
    }
  }
  return reply.code(204).send()
})
app.post('/platform/*', async (_req, reply) => reply.code(204).send())

const unused = (): string => 'http://127.0.0.1:9'
await app.register(sandboxPlugin, {
  prefix: '/sandbox',
  store,
  hub: { boxUrl: unused, tokenUrl: unused, clientId: 'unused', clientSecret: 'unused' },
  accessKeyId: DFO_KEY.id,
  accessKeySecret: DFO_KEY.secret,
  consoleToken: CONSOLE_TOKEN,
  tokenTtlMs: 3_600_000,
  brandId: 1001,
  channels: args.channels
})
await app.listen({ host: '127.0.0.1', port: 0 })
const addr = app.server.address()
const port = typeof addr === 'object' && addr ? addr.port : 0
const base = `http://127.0.0.1:${port}`

serveCommands(base, {
  /** end-to-end latency (platform send -> DFO arrival) of messages since the last call, then reset */
  arrivals: () => {
    const out = { ...percentiles(arrivals), created, distinct: distinct.size }
    arrivals = []
    created = 0
    distinct = new Set()
    return out
  },
  /** how many messages arrived since the last `arrivals`, without resetting */
  'arrivals:count': () => ({ created, distinct: distinct.size }),
  /** CXone down: stop listening and drop every open connection, so calls are refused (the store is kept) */
  down: () => new Promise<void>(resolve => {
    app.server.close(() => resolve())
    app.server.closeAllConnections()
  }),
  /** CXone back, on the same port */
  up: () => new Promise<void>((resolve, reject) => {
    app.server.once('error', reject)
    app.server.listen(port, '127.0.0.1', () => { app.server.off('error', reject); resolve() })
  }),
  /** start noting idle signals (and the last send time of each thread's messages) for these settings */
  'timers:watch': (s: { timeoutMs: number, countdownMs: number }) => {
    idle = s
    lastSent.clear()
    endsAt.clear()
    warningLate = []
    closeLate = []
  },
  'timers:report': () => ({ warning: percentiles(warningLate), close: percentiles(closeLate) }),
  stop: async () => { await app.close(); await store.close() }
})
