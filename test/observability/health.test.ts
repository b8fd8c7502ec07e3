import t from 'tap'
import { eventually, http } from '../helper.js'
import { parseExposition, scrape, startHubWith, sum } from './support.js'

t.test('readiness turns false when the store is lost; liveness does not', async t => {
  const hub = await startHubWith(t, { metrics: { port: 0 } })
  const ready = await http('GET', `${hub.url}/health/ready`)
  t.equal(ready.status, 200, JSON.stringify(ready.body))
  t.same(ready.body, { status: 'ready', checks: { draining: 'ok', store: 'ok', cxone: 'ok' } })

  await hub.store.close()
  const lost = await http('GET', `${hub.url}/health/ready`)
  t.equal(lost.status, 503)
  t.equal(lost.body.status, 'not-ready')
  t.match(lost.body.checks.store, /^unreachable: /)
  t.equal(lost.body.checks.draining, 'ok')
  t.equal((await http('GET', `${hub.url}/health/live`)).status, 200, 'the process still answers')

  // the metric tells alerting the same (its snapshot may be up to 2 s old)
  const e = await eventually(async () => {
    const parsed = parseExposition((await scrape(hub.hub.metricsUrl!())).text)
    return sum(parsed, 'byoc_ready') === 0 && parsed
  }, 10_000, 'byoc_ready 0')
  t.equal(sum(e, 'byoc_readiness_check', { check: 'store' }), 0)
  t.equal(sum(e, 'byoc_readiness_check', { check: 'draining' }), 1)
})

/*
 * Fastify marks itself closing (and answers 503 to every new request) before preClose hooks run, so during close()
 * /health/ready answers 503 whatever the hub's own checks say; the hub's preClose then sets draining, which the
 * metrics port (open until onClose) reports as byoc_ready 0. A graceful stop that sets draining first and keeps
 * serving for a moment is what lets a load balancer see not-ready before connections are refused (next test).
 */
t.test('on shutdown readiness is false while the listener and the metrics port still answer', async t => {
  const seen: { status?: number, draining?: boolean, byocReady?: number } = {}
  let metricsUrl = ''
  let url = ''
  const hub = await startHubWith(t, { metrics: { port: 0 } }, app => {
    // runs after the hub's own preClose (registration order), before the listener closes
    app.addHook('preClose', async () => {
      seen.status = (await http('GET', `${url}/health/ready`)).status
      seen.draining = hub.hub.readiness.draining
      seen.byocReady = sum(parseExposition((await scrape(metricsUrl)).text), 'byoc_ready')
    })
  })
  metricsUrl = hub.hub.metricsUrl!()
  url = hub.url
  t.equal((await http('GET', `${hub.url}/health/ready`)).status, 200)
  await hub.app.close()
  t.equal(seen.status, 503, 'not ready while the listener still takes connections')
  t.equal(seen.draining, true)
  t.equal(seen.byocReady, 0, 'Prometheus sees it too')
})

t.test('draining (set first by a graceful stop) turns only readiness off', async t => {
  const hub = await startHubWith(t, { metrics: { port: 0 } })
  hub.hub.readiness.draining = true
  const res = await http('GET', `${hub.url}/health/ready`)
  t.equal(res.status, 503)
  t.same(res.body, { status: 'not-ready', checks: { draining: 'draining', store: 'ok', cxone: 'ok' } })
  t.equal((await http('GET', `${hub.url}/health/live`)).status, 200)
  t.equal((await http('POST', `${hub.box}/1.0/token`, { grant_type: 'client_credentials', client_id: 'cxone-test', client_secret: 'test-secret-0123456789abcdef' })).status, 200, 'in-flight work still served')
  const e = await eventually(async () => {
    const parsed = parseExposition((await scrape(hub.hub.metricsUrl!())).text)
    return sum(parsed, 'byoc_ready') === 0 && parsed
  }, 10_000, 'byoc_ready 0')
  t.equal(sum(e, 'byoc_readiness_check', { check: 'draining' }), 0)
})
