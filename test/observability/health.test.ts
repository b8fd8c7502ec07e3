import t from 'tap'
import Fastify from 'fastify'
import { CLIENT, eventually, http } from '../helper.js'
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
  t.same(lost.body.checks, { draining: 'ok', store: 'not ready', cxone: 'ok' }, 'the public body names the failing check, not its reason')
  t.notMatch(JSON.stringify(lost.body), /unreachable|closed|redis|sqlite/i)
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
  t.same(res.body, { status: 'not-ready', checks: { draining: 'not ready', store: 'ok', cxone: 'ok' } })
  t.equal((await http('GET', `${hub.url}/health/live`)).status, 200)
  t.equal((await http('POST', `${hub.box}/1.0/token`, { grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret })).status, 200, 'in-flight work still served')
  const e = await eventually(async () => {
    const parsed = parseExposition((await scrape(hub.hub.metricsUrl!())).text)
    return sum(parsed, 'byoc_ready') === 0 && parsed
  }, 10_000, 'byoc_ready 0')
  t.equal(sum(e, 'byoc_readiness_check', { check: 'draining' }), 0)
})

t.test('a failing CXone auth is probed with backoff: public probes do not hammer it, and the body keeps the reason', async t => {
  let authCalls = 0
  const auth = Fastify()
  auth.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body))
  auth.post('/auth/token', async (_request, reply) => { authCalls++; return reply.code(401).send({ error: 'invalid_client', error_description: 'secret 10.1.2.3 leaked?' }) })
  await auth.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => auth.close())
  const base = `http://127.0.0.1:${(auth.server.address() as { port: number }).port}`
  const hub = await startHubWith(t, {
    cxone: { mode: 'live', authUrl: `${base}/auth/token`, apiBaseUrl: base, accessKeyId: 'ak', accessKeySecret: 'cxone-issued', retries: 1 },
    metrics: { port: 0 }
  })
  const bodies = []
  for (let i = 0; i < 30; i++) bodies.push((await http('GET', `${hub.url}/health/ready`)).body)
  t.same(bodies[0], { status: 'not-ready', checks: { draining: 'ok', store: 'ok', cxone: 'not ready' } })
  t.notMatch(JSON.stringify(bodies), /invalid_client|10\.1\.2\.3|token unavailable/, 'CXone\'s answer never reaches the public body')
  t.ok(authCalls >= 1 && authCalls <= 3, `30 probes reached CXone's auth ${authCalls} time(s): failures are cached and backed off`)
})
