import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { request } from 'undici'
import { buildApp } from '../core/app.js'
import { kHub } from '../core/symbols.js'
import { RedisStore } from '../core/store/redis.js'
import { startFaultProxy } from '../test/reliability/harness/fault-proxy.js'
import { testConfig } from '../test/helper.js'

/**
 * F-7's question as a figure (issue 17): how long one inbound answer takes with Redis 100 ms away (50 ms each way
 * through the fault proxy), every round trip the request makes counted, rate limiting included. A Redis of its
 * own, the hub as shipped on it (background loops on, sandbox CXone), the recorder channel; `--n` sequential
 * messages over `--customers` customers. The baseline is one bare Redis round trip (PING) through the same proxy:
 * hub / baseline is the answer's cost in round trips. Target: every answer under 300 ms.
 *
 *   TS_NODE_TRANSPILE_ONLY=1 node --import=@isaacs/ts-node-temp-fork-for-pr-2009/import bench/inbound-redis-far.ts [--n=30] [--customers=5]
 */
const arg = (name: string, dflt: number): number => Number(process.argv.find(a => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt)
const N = arg('n', 30)
const CUSTOMERS = arg('customers', 5)
const ROOT = join(import.meta.dirname, '..')

const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)) }).on('error', reject)
})
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(p / 100 * xs.length) - 1)]!

const dir = mkdtempSync(join(tmpdir(), 'byoc-far-'))
const port = await freePort()
const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' })
const admin = new Redis(`redis://127.0.0.1:${port}`, { retryStrategy: () => 50 })
admin.on('error', () => {}) // refused until redis-server listens: retried
await admin.ping()
const proxy = await startFaultProxy({ port })
const store = await RedisStore.connect(`redis://127.0.0.1:${proxy.port}`, 'far:')
const app = await buildApp(testConfig(dir, { channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: {} }] }), { baseDir: ROOT, store })
await app.listen({ host: '127.0.0.1', port: 0 })
const url = `${app[kHub].selfUrl()}/channels/recorder/inbound`
const far = new Redis(`redis://127.0.0.1:${proxy.port}`)

const post = async (i: number, run: string): Promise<number> => {
  const t0 = performance.now()
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId: `c${i % CUSTOMERS}`, messageId: `${run}-${i}`, text: `message ${i}` }) })
  await res.body.dump()
  if (res.statusCode !== 202) throw new Error(`answer ${res.statusCode}`)
  return performance.now() - t0
}

try {
  for (let i = 0; i < CUSTOMERS; i++) await post(i, 'warm') // each customer's thread, scripts loaded, the limiter's lease
  await far.ping()
  proxy.set({ latencyMs: 50 })
  const hub: number[] = []
  const base: number[] = []
  for (let i = 0; i < N; i++) {
    hub.push(await post(i, 'far'))
    const t0 = performance.now()
    await far.ping()
    base.push(performance.now() - t0)
  }
  const row = (metric: string, h: number, b: number, target = ''): string => `| ${metric} | ${h.toFixed(1)} | ${b.toFixed(1)} | ${(h / b).toFixed(2)}× | ${target} |`
  console.log(`\nInbound answer with Redis 100 ms away (${N} messages, ${CUSTOMERS} customers, sequential; baseline: one PING through the same proxy)\n`)
  console.log('| metric | hub ms | baseline ms | hub/baseline | target |\n|---|---:|---:|---:|---|')
  console.log(row('answer p50', pct(hub, 50), pct(base, 50)))
  console.log(row('answer max', Math.max(...hub), Math.max(...base), Math.max(...hub) < 300 ? 'met (< 300 ms)' : 'NOT met (< 300 ms)'))
} finally {
  proxy.set({})
  far.disconnect()
  await app.close()
  await store.close()
  await proxy.close()
  admin.disconnect()
  server.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
}
