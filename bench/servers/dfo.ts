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

app.addHook('preHandler', async (req) => {
  if (req.method !== 'POST' || !req.url.endsWith('/messages')) return
  const text = (req.body as { messageContent?: { payload?: { text?: string } } } | undefined)?.messageContent?.payload?.text
  created++
  const m = text ? /^t=([\d.]+);/.exec(text) : null
  if (m) arrivals.push(nowMs() - Number(m[1]))
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
const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`

serveCommands(base, {
  /** end-to-end latency (platform send -> DFO arrival) of messages since the last call, then reset */
  arrivals: () => {
    const out = { ...percentiles(arrivals), created }
    arrivals = []
    created = 0
    return out
  },
  stop: async () => { await app.close(); await store.close() }
})
