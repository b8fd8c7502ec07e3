import t from 'tap'
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { request } from 'undici'
import { ROOT, eventually, http } from '../helper.js'
import { startHubWith } from './support.js'
import { prometheus } from './prometheus.js'
import { testDir } from '../test-dir.js'

const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const s = createServer()
  s.once('error', reject)
  s.listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)) })
})

interface PromResult { metric: Record<string, string>, value: [number, string] }
async function query (base: string, q: string): Promise<PromResult[]> {
  const res = await request(`${base}/api/v1/query?query=${encodeURIComponent(q)}`)
  const body = await res.body.json() as { status: string, data?: { result: PromResult[] }, error?: string }
  if (body.status !== 'success') throw new Error(`${q}: ${body.error}`)
  return body.data!.result
}

t.test('a real Prometheus scrapes a running hub and answers for the budget series', { skip: prometheus ? false : 'prometheus not installed (Debian package prometheus; .ci/run installs it)', timeout: 120_000 }, async t => {
  const hub = await startHubWith(t, { metrics: { port: 0 } })
  const target = new URL(hub.hub.metricsUrl!()).host
  const dir = testDir(t, {})
  const port = await freePort()
  writeFileSync(join(dir, 'prometheus.yml'), [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    `rule_files: ['${join(ROOT, 'config/prometheus/byoc-hub-rules.yml')}']`,
    'scrape_configs:',
    '  - job_name: byoc-hub',
    `    static_configs: [{ targets: ['${target}'] }]`
  ].join('\n'))
  const child = spawn(prometheus!, [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'
  ], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', d => { stderr += d })
  const exited = new Promise(resolve => child.once('exit', resolve))
  t.teardown(async () => { child.kill('SIGTERM'); await exited })
  const base = `http://127.0.0.1:${port}`

  // traffic while Prometheus scrapes, so rates have something to say
  let traffic = true
  const loop = (async () => {
    while (traffic) {
      await http('GET', `${hub.url}/health/live`)
      await new Promise(r => setTimeout(r, 100))
    }
  })()
  t.teardown(async () => { traffic = false; await loop })

  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${stderr}`)
    const up = await query(base, 'up{job="byoc-hub"}').catch(() => [])
    return up[0]?.value[1] === '1'
  }, 60_000, 'prometheus scraping the hub')

  const within = await eventually(async () => {
    const r = await query(base, 'byoc_http_request_duration_seconds_bucket{le="0.5",route="/health/live"}')
    return r.length > 0 && Number(r[0]!.value[1]) > 0 && r
  }, 60_000, 'the 0.5 s bucket')
  t.equal(within[0]!.metric.job, 'byoc-hub')
  t.equal(within[0]!.metric.method, 'GET')

  const budget = await query(base, 'byoc_latency_budget_seconds')
  t.equal(budget[0]?.value[1], '0.5')

  // the recording rule the burn-rate alerts build on: all of these requests were within budget
  const ratio = await eventually(async () => {
    const r = await query(base, 'byoc:http_requests_over_budget:ratio_rate5m')
    return r.length > 0 && r[0]!.value[1] !== 'NaN' && r
  }, 60_000, 'the SLO ratio')
  t.equal(Number(ratio[0]!.value[1]), 0)
  t.equal(ratio[0]!.metric.job, 'byoc-hub')

  // every query of the Grafana dashboard is valid PromQL against these series; the key panels have data
  const dashboard = JSON.parse(readFileSync(join(ROOT, 'config/grafana/byoc-hub-dashboard.json'), 'utf8')) as { panels: Array<{ title: string, targets?: Array<{ expr: string }> }> }
  const substitute = (expr: string): string => expr.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '5m').replaceAll('$job', 'byoc-hub').replaceAll('$instance', '.*')
  const withData = ['Response time p50 / p95 / p99 against the budget', 'Within budget (SLO 99%)', 'Requests by route', 'Ready', 'Readiness checks', 'Heap used']
  for (const panel of dashboard.panels.filter(p => p.targets)) {
    const results = await Promise.all(panel.targets!.map(target => query(base, substitute(target.expr))))
    if (withData.includes(panel.title)) t.ok(results.some(r => r.length > 0), `"${panel.title}" has data`)
    else t.pass(`"${panel.title}" queries are valid`)
  }

  const alerts = await request(`${base}/api/v1/rules?type=alert`)
  const rules = await alerts.body.json() as { data: { groups: Array<{ rules: Array<{ name: string, health: string }> }> } }
  const loaded = rules.data.groups.flatMap(g => g.rules)
  t.ok(loaded.length >= 8, 'the alert rules are loaded')
  t.same(loaded.filter(r => r.health !== 'ok' && r.health !== 'unknown'), [], 'and evaluate without errors')
})
