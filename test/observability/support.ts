import type { Test } from 'tap'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import { join } from 'node:path'
import { request } from 'undici'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../core/app.js'
import { kHub } from '../../core/symbols.js'
import { SqliteStore } from '../../core/store/sqlite.js'
import { ROOT, testConfig, type StartedHub } from '../helper.js'
import { HubMetrics } from '../../core/infra/metrics.js'
import { registerSampledGauges } from '../../core/infra/metrics-gauges.js'
import { LocalEventBus } from '../../core/live/event-bus.js'
import { testDir } from '../test-dir.js'

/** The recorder test channel, delivering to `deliverUrl` */
export const recorder = (deliverUrl: string) => ({ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: { deliverUrl } })

/**
 * Like startHub, but `beforeListen` may add hooks first (a test's own onRequest or preClose hook sees what the
 * hub does from the outside). The store is the test's own, so a test can take it away.
 */
export async function startHubWith (t: Test, overrides: Record<string, unknown>, beforeListen?: (app: FastifyInstance) => void): Promise<StartedHub> {
  const dir = testDir(t, {})
  const config = testConfig(dir, overrides)
  const store = new SqliteStore(join(dir, 'hub.db'))
  const app = await buildApp(config, { baseDir: ROOT, store, timerIntervalMs: 50 })
  beforeListen?.(app)
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => {
    // SqliteStore.close() waits on an unref'd worker: hold the loop open so the process cannot end mid-close
    const keepAlive = setInterval(() => {}, 1000)
    try {
      await app.close()
      await store.close().catch(() => {})
    } finally { clearInterval(keepAlive) }
  })
  const url = app[kHub].selfUrl()
  return { url, sandboxUrl: `${url}/sandbox`, box: `${url}${config.server.basePath}`, app, hub: app[kHub], store, config }
}

/** A chat platform stand-in: records what the hub delivers, answering `status` (200 unless told). */
export async function fakePlatform (t: Test): Promise<{ url: string, received: Array<{ path: string, body: unknown, headers: IncomingHttpHeaders }>, status: { code: number } }> {
  const received: Array<{ path: string, body: unknown, headers: IncomingHttpHeaders }> = []
  const status = { code: 200 }
  const server = createServer((req, res) => {
    let data = ''
    req.on('data', c => { data += c })
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: data ? JSON.parse(data) : undefined, headers: req.headers })
      res.writeHead(status.code).end()
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) }))
  const addr = server.address() as { port: number }
  return { url: `http://127.0.0.1:${addr.port}`, received, status }
}

export interface Sample { name: string, labels: Record<string, string>, value: number }
export interface Exposition { types: Map<string, string>, samples: Sample[] }

/** Parses the Prometheus text format (what prom-client writes) */
export function parseExposition (text: string): Exposition {
  const types = new Map<string, string>()
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ')
      types.set(name!, type!)
      continue
    }
    if (line === '' || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m) throw new Error(`not exposition format: ${line}`)
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!
    samples.push({ name: m[1]!, labels, value: Number(m[3]) })
  }
  return { types, samples }
}

export async function scrape (url: string, token?: string): Promise<{ status: number, text: string, contentType: string }> {
  const res = await request(url, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  return { status: res.statusCode, text: await res.body.text(), contentType: String(res.headers['content-type']) }
}

/** Sum of the samples of `name` whose labels include `match`. */
export function sum (e: Exposition, name: string, match: Record<string, string> = {}): number {
  return e.samples.filter(s => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0)
}

/** The metric names a hub really registers (default Node metrics included). */
export async function exportedMetricNames (t: Test): Promise<Set<string>> {
  const store = new SqliteStore(join(testDir(t, {}), 'names.db'))
  t.teardown(() => store.close())
  const metrics = new HubMetrics({ budgetMs: 500 })
  registerSampledGauges(metrics, { store, bus: new LocalEventBus(), channelIds: () => [], readiness: { draining: false, store, tokens: { get: async () => 'x', refresh: async () => 'x', lastObtainedAt: Date.now() } } })
  return new Set((await metrics.registry.getMetricsAsJSON()).map(m => m.name))
}

/** byoc_* metric names used in PromQL expressions, histogram suffixes stripped */
export function metricNamesIn (exprs: string[]): Set<string> {
  return new Set(exprs.flatMap(e => [...e.matchAll(/\b(byoc_[a-z0-9_]+)/g)].map(m => m[1]!.replace(/_(bucket|count|sum)$/, ''))))
}
