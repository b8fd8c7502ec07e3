import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from '../helper.js'
import { exportedMetricNames, metricNamesIn } from './support.js'

interface Panel { id: number, type: string, title: string, gridPos: { x: number, y: number, w: number, h: number }, targets?: Array<{ expr: string, refId: string }> }
const dashboard = JSON.parse(readFileSync(join(ROOT, 'config/grafana/byoc-hub-dashboard.json'), 'utf8')) as { uid: string, panels: Panel[], templating: { list: Array<{ name: string }> } }

t.test('the Grafana dashboard: well-formed, on metrics the hub exports, showing the budget', async t => {
  t.equal(dashboard.uid, 'byoc-hub')
  const ids = dashboard.panels.map(p => p.id)
  t.equal(new Set(ids).size, ids.length, 'panel ids are unique')
  for (const p of dashboard.panels) t.ok(p.gridPos.x >= 0 && p.gridPos.x + p.gridPos.w <= 24, `${p.title} fits the 24-column grid`)
  t.same(dashboard.templating.list.map(v => v.name), ['datasource', 'job', 'instance'])

  const exprs = dashboard.panels.flatMap(p => (p.targets ?? []).map(x => x.expr))
  const exported = await exportedMetricNames(t)
  for (const name of metricNamesIn(exprs)) t.ok(exported.has(name), `${name} is exported by the hub`)
  for (const e of exprs) t.match(e, /job=~"\$job", instance=~"\$instance"/, 'every query follows the job and instance pickers')

  // the must-haves: quantiles against the 500 ms line, over-budget rate, CXone, queue, conversations
  const budget = dashboard.panels.find(p => p.title.startsWith('Response time p50 / p95 / p99'))!
  t.same(budget.targets!.map(x => /histogram_quantile\((0\.\d+)/.exec(x.expr)?.[1] ?? x.expr.includes('byoc_latency_budget_seconds')), ['0.50', '0.95', '0.99', true])
  for (const metric of ['byoc_http_requests_over_budget_total', 'byoc_cxone_request_duration_seconds', 'byoc_platform_delivery_duration_seconds',
    'byoc_outbox_pending_jobs', 'byoc_outbox_oldest_pending_age_seconds', 'byoc_outbox_dead_letters_total', 'byoc_conversations_active',
    'byoc_idle_timers_pending', 'byoc_websocket_connections', 'byoc_ready', 'byoc_nodejs_eventloop_lag_p99_seconds']) {
    t.ok(exprs.some(e => e.includes(metric)), `a panel shows ${metric}`)
  }
})

t.test('Grafana provisioning files point at the dashboard and a Prometheus', async t => {
  const ds = parse(readFileSync(join(ROOT, 'config/grafana/provisioning/datasources/prometheus.yml'), 'utf8'))
  t.equal(ds.datasources[0].type, 'prometheus')
  const dash = parse(readFileSync(join(ROOT, 'config/grafana/provisioning/dashboards/byoc-hub.yml'), 'utf8'))
  t.equal(dash.providers[0].type, 'file')
  t.ok(dash.providers[0].options.path)
})
