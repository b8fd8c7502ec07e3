import t from 'tap'
import { Counter, Histogram, Registry } from 'prom-client'
import { RequestHistogram } from '../../core/infra/request-histogram.js'
import { REQUEST_BUCKETS } from '../../core/infra/metrics.js'

/**
 * The allocation-free request histogram must scrape exactly as prom-client's Histogram and Counter did for the same
 * requests: dashboards and alert rules read these series by name, label and bucket.
 */
t.test('scrapes the same text as prom-client for the same observations', async t => {
  const ours = new Registry()
  const theirs = new Registry()
  const overBudgetOurs = new Counter({ name: 'byoc_http_requests_over_budget_total', help: 'over', labelNames: ['method', 'route'], registers: [ours] })
  const histogram = new RequestHistogram({ name: 'byoc_http_request_duration_seconds', help: 'time', buckets: REQUEST_BUCKETS, registers: [ours], overBudget: overBudgetOurs, budgetSeconds: 0.5 })
  const overBudgetTheirs = new Counter({ name: 'byoc_http_requests_over_budget_total', help: 'over', labelNames: ['method', 'route'], registers: [theirs] })
  const reference = new Histogram({ name: 'byoc_http_request_duration_seconds', help: 'time', labelNames: ['method', 'route', 'status_code'], buckets: REQUEST_BUCKETS, registers: [theirs] })
  const seen: Array<[string, string, number, number]> = [
    ['POST', '/integration/box/1.0/token', 200, 0.003], ['POST', '/integration/box/1.0/token', 200, 0.005], ['POST', '/integration/box/1.0/token', 401, 0.02],
    ['GET', '/health/live', 200, 0.0001], ['POST', '/channels/:id/inbound', 202, 0.7], ['POST', '/channels/:id/inbound', 202, 3], ['GET', 'unmatched', 404, 0.5]
  ]
  for (const [method, route, status, seconds] of seen) {
    histogram.observe(method, route, status, seconds)
    reference.observe({ method, route, status_code: String(status) }, seconds)
    if (seconds > 0.5) overBudgetTheirs.inc({ method, route })
  }
  const lines = async (r: Registry) => (await r.metrics()).split('\n').filter(l => l !== '').sort()
  t.same(await lines(ours), await lines(theirs), 'every line the same (order aside)')
  t.match(await ours.metrics(), /byoc_http_request_duration_seconds_bucket\{le="0.5",method="GET",route="unmatched",status_code="404"\} 1/)
  t.match(await ours.metrics(), /byoc_http_requests_over_budget_total\{method="POST",route="\/channels\/:id\/inbound"\} 2/)

  const json = (await ours.getMetricsAsJSON()).find(m => m.name === 'byoc_http_request_duration_seconds')!
  const ref = (await theirs.getMetricsAsJSON()).find(m => m.name === 'byoc_http_request_duration_seconds')!
  const norm = (m: typeof json) => m.values.map(v => JSON.stringify([(v as { metricName?: string }).metricName, v.labels, v.value])).sort()
  t.same(norm(json), norm(ref), 'the JSON form too (cluster aggregation reads it)')

  await ours.resetMetrics()
  t.notMatch(await ours.metrics(), /byoc_http_request_duration_seconds_bucket/, 'reset empties it')
})
