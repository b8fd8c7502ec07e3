// Renders docs/images/dashboard.png from real data: a hub + sandbox under traffic (CXone turned slow half-way),
// scraped by a real Prometheus, queried with the Grafana dashboard's own expressions, drawn as SVG, screenshotted.
// Run: TS_NODE_TRANSPILE_ONLY=1 node --import=./node_modules/@tapjs/typescript/dist/esm/import.mjs test/observability/render-dashboard.ts
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { createServer as createHttpServer } from 'node:http'
import { request } from 'undici'
import { chromium } from 'playwright-core'
import { buildApp } from '../../core/app.js'
import { kHub } from '../../core/symbols.js'
import { SqliteStore } from '../../core/store/sqlite.js'
import { ROOT, testConfig, cxoneToken, http } from '../helper.js'

// a script, not a test: `tap test/observability/` must not rewrite the image
if (process.env.TAP === '1') process.exit(0)

const SECONDS = Number(process.env.RENDER_SECONDS ?? 150)
const dir = mkdtempSync(join(tmpdir(), 'byoc-render-'))
const freePort = (): Promise<number> => new Promise(resolve => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)) })
})

// the chat platform the recorder channel delivers to: answers in 20-60 ms
const platform = createHttpServer((req, res) => { req.resume(); req.on('end', () => setTimeout(() => res.writeHead(200).end(), 20 + Math.random() * 40)) })
await new Promise<void>(resolve => platform.listen(0, '127.0.0.1', resolve))
const deliverUrl = `http://127.0.0.1:${(platform.address() as { port: number }).port}`
const config = testConfig(dir, { server: { host: '127.0.0.1', port: 0, rateLimit: { max: 1_000_000 } }, metrics: { port: 0 }, channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', name: 'Recorder', config: { deliverUrl } }, { id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: 'chat_watering-hole', name: 'The Watering Hole', config: { identitySecret: 'render-identity-secret-0123456789abcdef' } }] })
const store = new SqliteStore(join(dir, 'hub.db'))
const app = await buildApp(config, { baseDir: ROOT, store })
await app.listen({ host: '127.0.0.1', port: 0 })
const hub = app[kHub]
const url = hub.selfUrl()
const target = new URL(hub.metricsUrl!()).host

const promPort = await freePort()
writeFileSync(join(dir, 'prometheus.yml'), `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: byoc-hub\n    static_configs: [{ targets: ['${target}'] }]\n`)
const prom = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'], { stdio: 'inherit' })
const promBase = `http://127.0.0.1:${promPort}`

process.on('exit', () => prom.kill('SIGTERM'))
console.log('hub and prometheus up; generating traffic')
// traffic: customers writing, agents answering, admins opening the Add action; CXone slow in the middle third
const token = await cxoneToken({ box: `${url}${config.server.basePath}` })
const started = Date.now()
let n = 0
const customer = async (): Promise<void> => {
  const i = n++
  const res = await http('POST', `${url}/channels/recorder/inbound`, { customerId: `c-${i % 12}`, messageId: `m-${i}`, text: 'hello' })
  const threadId = res.body?.messages?.[0]?.threadId
  if (threadId && i % 2 === 0) {
    await http('POST', `${url}${config.server.basePath}/2.0/channel/chat_recorder/outbound`, {
      thread: { idOnExternalPlatform: threadId }, messageContent: { type: 'TEXT', payload: { text: 'hi' } }, endUserRecipients: [{ idOnExternalPlatform: `c-${i % 12}` }]
    }, { authorization: `Bearer ${token}` })
  }
}
const admin = async (): Promise<void> => {
  const minted = await http('POST', `${url}/sandbox/console/api/integrations/one-time-token`, {})
  if (minted.status !== 200) throw new Error(`one-time token: ${minted.status} ${JSON.stringify(minted.body)}`)
  await http('GET', minted.body.links.add)
}
let slow = false
while (Date.now() - started < SECONDS * 1000) {
  const t = (Date.now() - started) / 1000
  const wantSlow = t > SECONDS / 3 && t < (2 * SECONDS) / 3
  if (wantSlow !== slow) { slow = wantSlow; await http('PUT', `${url}/sandbox/_faults`, slow ? { latencyMs: 650 } : {}) }
  await Promise.all([customer(), customer(), customer(), Math.random() < 0.5 ? admin() : Promise.resolve(), http('GET', `${url}/health/ready`)])
  await new Promise(r => setTimeout(r, 150))
}
await new Promise(r => setTimeout(r, 3000))
console.log('querying')

// the dashboard's own queries
const dashboard = JSON.parse(readFileSync(join(ROOT, 'config/grafana/byoc-hub-dashboard.json'), 'utf8')) as { panels: Array<{ title: string, fieldConfig: { defaults: { unit: string } }, targets?: Array<{ expr: string, legendFormat: string }> }> }
const sub = (e: string): string => e.replaceAll('$__rate_interval', '15s').replaceAll('$__range', `${SECONDS}s`).replaceAll('$job', 'byoc-hub').replaceAll('$instance', '.*')
const end = Date.now() / 1000
const start = end - SECONDS
interface Series { name: string, points: Array<[number, number]> }
async function range (expr: string, legend: string): Promise<Series[]> {
  const res = await request(`${promBase}/api/v1/query_range?query=${encodeURIComponent(sub(expr))}&start=${start}&end=${end}&step=1`)
  const body = await res.body.json() as { data: { result: Array<{ metric: Record<string, string>, values: Array<[number, string]> }> } }
  return body.data.result.map(r => ({
    name: legend.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => r.metric[k] ?? ''),
    points: r.values.map(([ts, v]) => [ts, Number(v)] as [number, number]).filter(([, v]) => Number.isFinite(v))
  }))
}
const PANELS = ['Response time p50 / p95 / p99 against the budget', 'Over-budget responses by route', 'CXone call time p95 by operation', 'Requests by route', 'Outbox depth', 'Active conversations']
const drawn = []
for (const title of PANELS) {
  const panel = dashboard.panels.find(p => p.title === title)!
  const series = (await Promise.all(panel.targets!.map(x => range(x.expr, x.legendFormat)))).flat()
  drawn.push({ title, unit: panel.fieldConfig.defaults.unit, series })
}
const within = await request(`${promBase}/api/v1/query?query=${encodeURIComponent(sub(dashboard.panels.find(p => p.title.startsWith('Within budget'))!.targets![0]!.expr))}`)
const withinValue = Number(((await within.body.json()) as { data: { result: Array<{ value: [number, string] }> } }).data.result[0]?.value[1] ?? NaN)

const COLORS = ['#73bf69', '#f2cc0c', '#ff9830', '#f2495c', '#5794f2', '#b877d9', '#8ab8ff', '#ffb357']
const fmt = (v: number, unit: string): string => unit === 's' ? (v >= 1 ? `${v.toFixed(1)} s` : `${Math.round(v * 1000)} ms`) : unit === 'reqps' ? `${v.toFixed(1)}/s` : String(Math.round(v * 10) / 10)
function svg (p: { title: string, unit: string, series: Series[] }): string {
  const W = 560; const H = 210; const L = 64; const B = 22
  const max = Math.max(p.unit === 's' ? 0.6 : 1, ...p.series.flatMap(s => s.points.map(([, v]) => v))) * 1.1
  const x = (ts: number): number => L + ((ts - start) / (end - start)) * (W - L - 8)
  const y = (v: number): number => H - B - (v / max) * (H - B - 8)
  const grid = [0, 0.25, 0.5, 0.75, 1].map(f => `<line x1="${L}" x2="${W - 8}" y1="${y(max * f)}" y2="${y(max * f)}" stroke="#2c3235"/><text x="${L - 6}" y="${y(max * f) + 4}" text-anchor="end">${fmt(max * f, p.unit)}</text>`).join('')
  const lines = p.series.map((s, i) => {
    const dashed = s.name === 'budget'
    const d = s.points.map(([ts, v], j) => `${j ? 'L' : 'M'}${x(ts).toFixed(1)},${y(v).toFixed(1)}`).join('')
    return `<path d="${d}" fill="none" stroke="${dashed ? '#f2495c' : COLORS[i % COLORS.length]}" stroke-width="${dashed ? 1.5 : 1.8}" ${dashed ? 'stroke-dasharray="8 6"' : ''}/>`
  }).join('')
  const legend = p.series.map((s, i) => `<span><i style="background:${s.name === 'budget' ? '#f2495c' : COLORS[i % COLORS.length]}"></i>${s.name} <b>max ${fmt(Math.max(...s.points.map(([, v]) => v), 0), p.unit)}</b></span>`).join('')
  const ticks = [0, 0.5, 1].map(f => `<text x="${x(start + f * (end - start))}" y="${H - 4}" text-anchor="middle">${f === 1 ? 'now' : `-${Math.round((1 - f) * SECONDS)} s`}</text>`).join('')
  return `<div class="panel"><h3>${p.title}</h3><svg width="${W}" height="${H}">${grid}${ticks}${lines}</svg><div class="legend">${legend}</div></div>`
}
const html = `<!doctype html><html><head><style>
body{margin:0;background:#111217;color:#ccccdc;font:12px Inter,Helvetica,Arial,sans-serif;padding:14px;width:1180px}
h1{font-size:16px;margin:0 0 10px;color:#fff} h1 small{color:#8e8e8e;font-weight:normal;margin-left:8px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:10px}.panel{background:#181b1f;border:1px solid #2c3235;border-radius:3px;padding:8px 10px}
h3{margin:0 0 6px;font-size:13px;color:#d8d9da;font-weight:500} svg text{fill:#8e8e8e;font-size:10px}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin-top:4px}.legend i{display:inline-block;width:12px;height:3px;margin-right:5px;vertical-align:middle}
.legend b{font-weight:normal;color:#8e8e8e;margin-left:4px}.stat{font-size:30px;color:${withinValue >= 0.99 ? '#73bf69' : '#f2495c'}}
</style></head><body><h1>byoc-hub <small>rendered from a live hub scraped by Prometheus; CXone slowed to 650 ms in the middle third - within budget over the window: <span class="stat">${(withinValue * 100).toFixed(1)}%</span></small></h1>
<div class="grid">${drawn.map(svg).join('')}</div></body></html>`
writeFileSync(join(dir, 'dashboard.html'), html)
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
const page = await browser.newPage({ viewport: { width: 1208, height: 900 } })
await page.goto(`file://${join(dir, 'dashboard.html')}`)
await page.screenshot({ path: join(ROOT, 'docs/images/dashboard.png'), fullPage: true })
await browser.close()
prom.kill('SIGTERM')
await app.close()
await store.close()
platform.close()
rmSync(dir, { recursive: true, force: true })
console.log(`wrote docs/images/dashboard.png (${n} customer messages, within budget ${(withinValue * 100).toFixed(1)}%)`)
