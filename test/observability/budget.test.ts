import t from 'tap'
import { http } from '../helper.js'
import { parseExposition, scrape, startHubWith, sum } from './support.js'

const ADD_ROUTE = '/integration/box/actions/add'

/**
 * The hub answers a platform's inbound message before it calls CXone (the outbox relays it), so a slow CXone does
 * not slow that response. The Add action URL is different: the hub verifies CXone's one-time token with DFO before
 * it can answer the admin's browser, so CXone's latency is inside the hub's response time there.
 */
t.test('the over-budget counter moves when CXone is slow inside a hub response', async t => {
  const hub = await startHubWith(t, { metrics: { port: 0 } })
  const metricsUrl = hub.hub.metricsUrl!()
  const openAddAction = async (): Promise<number> => {
    const minted = await http('POST', `${hub.sandboxUrl}/console/api/integrations/one-time-token`, {})
    t.equal(minted.status, 200, JSON.stringify(minted.body))
    const started = performance.now()
    const res = await http('GET', minted.body.links.add)
    t.equal(res.status, 200, 'the action page')
    t.match(res.body, /<form/)
    return performance.now() - started
  }

  await openAddAction()
  let e = parseExposition((await scrape(metricsUrl)).text)
  t.equal(sum(e, 'byoc_http_requests_over_budget_total', { route: ADD_ROUTE }), 0, 'a fast CXone: within budget')

  t.equal((await http('PUT', `${hub.sandboxUrl}/_faults`, { latencyMs: 700 })).status, 200)
  const took = await openAddAction()
  t.ok(took >= 700, `the admin waited for CXone (${Math.round(took)} ms)`)
  e = parseExposition((await scrape(metricsUrl)).text)
  t.equal(sum(e, 'byoc_http_requests_over_budget_total', { route: ADD_ROUTE, method: 'GET' }), 1, 'a slow CXone: over budget')
  const buckets = (le: string) => sum(e, 'byoc_http_request_duration_seconds_bucket', { route: ADD_ROUTE, method: 'GET', le })
  t.equal(buckets('0.5'), 1, 'only the fast one within 0.5 s')
  t.equal(buckets('+Inf'), 2)
  t.ok(sum(e, 'byoc_cxone_request_duration_seconds_sum', { operation: 'verifyOneTimeToken' }) >= 0.7, 'and the time shows up as CXone time')
  t.equal(sum(e, 'byoc_http_requests_over_budget_total', { route: '/health/live' }), 0)
})

t.test('the budget comes from metrics.latencyBudget', async t => {
  const hub = await startHubWith(t, { metrics: { port: 0, latencyBudget: '1ms' } })
  t.equal((await http('PUT', `${hub.sandboxUrl}/_faults`, { latencyMs: 20 })).status, 200)
  const minted = await http('POST', `${hub.sandboxUrl}/console/api/integrations/one-time-token`, {})
  t.equal((await http('GET', minted.body.links.add)).status, 200)
  const e = parseExposition((await scrape(hub.hub.metricsUrl!())).text)
  t.equal(sum(e, 'byoc_latency_budget_seconds'), 0.001)
  t.equal(sum(e, 'byoc_http_requests_over_budget_total', { route: ADD_ROUTE }), 1)
})
