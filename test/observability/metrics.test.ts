import t from 'tap'
import { cxoneToken, eventually, http } from '../helper.js'
import { fakePlatform, parseExposition, recorder, scrape, startHubWith, sum } from './support.js'

const OUTBOUND_ROUTE = '/integration/box/2.0/channel/:channelId/outbound'

t.test('after real traffic every metric has its name, type and bounded labels', async t => {
  const platform = await fakePlatform(t)
  const hub = await startHubWith(t, { metrics: { port: 0 }, channels: [recorder(platform.url)] })
  const metricsUrl = hub.hub.metricsUrl!()
  t.match(metricsUrl, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
  t.not(metricsUrl, `${hub.url}/metrics`, 'a port of its own')

  // M1 issued and rejected; a forged bearer token
  const token = await cxoneToken(hub)
  t.equal((await http('POST', `${hub.box}/1.0/token`, { grant_type: 'client_credentials', client_id: 'cxone-test', client_secret: 'wrong' })).status, 401)
  t.equal((await http('POST', `${hub.box}/2.0/channel/chat_recorder/outbound`, {}, { authorization: 'Bearer forged' })).status, 401)
  // a customer message to CXone, and the agent's reply to the platform
  t.equal((await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'zebra-1', messageId: 'm-1', text: 'hello' })).status, 202)
  const msg = await eventually(async () => { const m = await hub.store.getMessage('recorder', 'm-1'); return m?.status === 'sent' && m }, 15_000, 'message sent to DFO')
  const out = await http('POST', `${hub.box}/2.0/channel/chat_recorder/outbound`, {
    thread: { idOnExternalPlatform: msg.threadId }, messageContent: { type: 'TEXT', payload: { text: 'hi zebra' } },
    endUserRecipients: [{ idOnExternalPlatform: 'zebra-1' }]
  }, { authorization: `Bearer ${token}` })
  t.equal(out.status, 200, JSON.stringify(out.body))
  await eventually(() => platform.received.some(r => r.path === '/messages'), 15_000, 'delivery to the platform')
  // a scan for URLs that do not exist: one label value however many paths
  for (const junk of ['/wp-admin/abc123', '/.env', '/channels/nope-zz9/inbound']) t.equal((await http('GET', `${hub.url}${junk}`)).status, 404)

  const e = await eventually(async () => {
    const res = await scrape(metricsUrl)
    t.equal(res.status, 200)
    const parsed = parseExposition(res.text)
    return sum(parsed, 'byoc_platform_delivery_duration_seconds_count', { channel: 'recorder', outcome: 'ok' }) >= 1 && parsed
  }, 15_000, 'delivery timed')
  const scraped = await scrape(metricsUrl)
  t.match(scraped.contentType, /^text\/plain; version=0\.0\.4/)

  const expected: Record<string, string> = {
    byoc_http_request_duration_seconds: 'histogram',
    byoc_http_requests_over_budget_total: 'counter',
    byoc_latency_budget_seconds: 'gauge',
    byoc_cxone_request_duration_seconds: 'histogram',
    byoc_cxone_token_fetch_duration_seconds: 'histogram',
    byoc_platform_delivery_duration_seconds: 'histogram',
    byoc_outbox_job_duration_seconds: 'histogram',
    byoc_outbox_retries_total: 'counter',
    byoc_outbox_dead_letters_total: 'counter',
    byoc_outbox_pending_jobs: 'gauge',
    byoc_outbox_oldest_pending_age_seconds: 'gauge',
    byoc_outbox_dead_letter_jobs: 'gauge',
    byoc_conversations_active: 'gauge',
    byoc_idle_timers_pending: 'gauge',
    byoc_timer_lateness_seconds: 'histogram',
    byoc_websocket_connections: 'gauge',
    byoc_auth_token_requests_total: 'counter',
    byoc_auth_bearer_rejected_total: 'counter',
    byoc_ready: 'gauge',
    byoc_readiness_check: 'gauge',
    byoc_build_info: 'gauge',
    // Node defaults, prefixed like the rest
    byoc_nodejs_eventloop_lag_seconds: 'gauge',
    byoc_nodejs_heap_size_used_bytes: 'gauge',
    byoc_nodejs_gc_duration_seconds: 'histogram',
    byoc_process_cpu_seconds_total: 'counter'
  }
  for (const [name, type] of Object.entries(expected)) t.equal(e.types.get(name), type, `${name} is a ${type}`)
  for (const name of e.types.keys()) t.match(name, /^byoc_/, `${name} is byoc_*`)
  for (const [name, type] of e.types) if (type === 'counter') t.match(name, /_total$/, `counter ${name} ends in _total`)

  // the budget resolves exactly at 0.5 s
  const les = new Set(e.samples.filter(s => s.name === 'byoc_http_request_duration_seconds_bucket').map(s => s.labels.le))
  t.ok(les.has('0.5'), 'a bucket at exactly 0.5 s')
  t.equal(sum(e, 'byoc_latency_budget_seconds'), 0.5)

  // route labels are patterns, never raw URLs
  const routes = new Set(e.samples.filter(s => s.name === 'byoc_http_request_duration_seconds_count').map(s => s.labels.route))
  t.ok(routes.has(OUTBOUND_ROUTE), 'the outbound route by its pattern')
  t.ok(routes.has('/integration/box/1.0/token'))
  t.ok(routes.has('/channels/recorder/inbound'))
  t.ok(routes.has('unmatched'), 'unknown URLs share one label')
  const leaks = e.samples.flatMap(s => Object.values(s.labels).filter(v => /abc123|wp-admin|\.env|nope-zz9|chat_recorder|zebra|m-1/.test(v)).map(v => `${s.name}: ${v}`))
  t.same(leaks, [], 'no raw URL, id or customer in any label')
  t.notOk([...routes].some(r => r?.startsWith('/sandbox/')), 'the emulated CXone is not timed as the hub')
  t.equal(sum(e, 'byoc_http_request_duration_seconds_count', { route: 'unmatched', method: 'GET', status_code: '404' }), 3)
  t.equal(sum(e, 'byoc_http_request_duration_seconds_count', { route: OUTBOUND_ROUTE, status_code: '200' }), 1)
  t.equal(sum(e, 'byoc_http_request_duration_seconds_count', { route: OUTBOUND_ROUTE, status_code: '401' }), 1)

  // where time goes: CXone per operation, the platform per channel, the outbox per kind
  t.ok(sum(e, 'byoc_cxone_request_duration_seconds_count', { operation: 'createMessage', outcome: 'ok' }) >= 1)
  t.ok(sum(e, 'byoc_cxone_token_fetch_duration_seconds_count', { outcome: 'ok' }) >= 1)
  t.equal(sum(e, 'byoc_platform_delivery_duration_seconds_count', { channel: 'recorder', outcome: 'ok' }), 1)
  t.ok(sum(e, 'byoc_outbox_job_duration_seconds_count', { kind: 'dfo.createMessage', outcome: 'done' }) >= 1)
  t.ok(sum(e, 'byoc_outbox_job_duration_seconds_count', { kind: 'platform.deliver', outcome: 'done' }) >= 1)

  // tokens, conversations, timers, sockets, readiness
  t.equal(sum(e, 'byoc_auth_token_requests_total', { outcome: 'issued' }), 1)
  t.equal(sum(e, 'byoc_auth_token_requests_total', { outcome: 'rejected' }), 1)
  t.equal(sum(e, 'byoc_auth_bearer_rejected_total'), 1)
  t.equal(sum(e, 'byoc_conversations_active', { channel: 'recorder' }), 1)
  t.equal(sum(e, 'byoc_idle_timers_pending'), await hub.store.countTimers())
  t.equal(sum(e, 'byoc_websocket_connections', { channel: 'recorder' }), 0)
  t.equal(sum(e, 'byoc_ready'), 1)
  t.equal(sum(e, 'byoc_readiness_check', { check: 'store' }), 1)
})

t.test('CXone errors and retries are counted; the outbox depth and age show the backlog', async t => {
  const platform = await fakePlatform(t)
  // 20 attempts: the message must outlive the outage this test makes, however slow the scrapes below; the default 8
  // are spent within a second at the test's backoff, before the breaker (10 calls) could hold the job
  const hub = await startHubWith(t, { metrics: { port: 0 }, cxone: { retries: 20 }, channels: [recorder(platform.url)] })
  const metricsUrl = hub.hub.metricsUrl!()
  const read = async () => parseExposition((await scrape(metricsUrl)).text)

  // CXone answers 500 to everything: the customer's message waits in the outbox
  t.equal((await http('PUT', `${hub.sandboxUrl}/_faults`, { errorRate: 1 })).status, 200)
  t.equal((await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'c-1', messageId: 'm-err', text: 'hi' })).status, 202)
  const backlog = await eventually(async () => {
    const e = await read()
    return sum(e, 'byoc_cxone_request_duration_seconds_count', { operation: 'createMessage', outcome: 'http_5xx' }) >= 1 &&
      sum(e, 'byoc_outbox_retries_total', { kind: 'dfo.createMessage' }) >= 1 && sum(e, 'byoc_outbox_pending_jobs') >= 1 && e
  }, 15_000, 'a retried CXone call')
  t.ok(sum(backlog, 'byoc_outbox_oldest_pending_age_seconds') > 0, 'the waiting job has an age')
  // CXone recovers: the message goes, the backlog empties (the gauge cache is 2 s)
  t.equal((await http('PUT', `${hub.sandboxUrl}/_faults`, {})).status, 200)
  await eventually(async () => (await hub.store.getMessage('recorder', 'm-err'))?.status === 'sent', 30_000, 'message sent after recovery')
  await eventually(async () => sum(await read(), 'byoc_outbox_pending_jobs') === 0, 15_000, 'the backlog empties')
  t.equal(sum(await read(), 'byoc_outbox_dead_letter_jobs'), 0, 'nothing given up')
})

t.test('a platform that refuses: retries, then a dead letter, all counted', async t => {
  const platform = await fakePlatform(t)
  platform.status.code = 503
  const hub = await startHubWith(t, { metrics: { port: 0 }, cxone: { retries: 3 }, channels: [recorder(platform.url)] })
  const metricsUrl = hub.hub.metricsUrl!()
  const read = async () => parseExposition((await scrape(metricsUrl)).text)
  t.equal((await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'c-1', messageId: 'm-1', text: 'hi' })).status, 202)
  await eventually(async () => (await hub.store.getMessage('recorder', 'm-1'))?.status === 'sent', 15_000, 'customer message sent')

  // the platform refuses the agent's reply until the job gives up
  const thread = (await hub.store.getMessage('recorder', 'm-1'))!.threadId
  const token = await cxoneToken(hub)
  t.equal((await http('POST', `${hub.box}/2.0/channel/chat_recorder/outbound`, {
    thread: { idOnExternalPlatform: thread }, messageContent: { type: 'TEXT', payload: { text: 'reply' } },
    endUserRecipients: [{ idOnExternalPlatform: 'c-1' }]
  }, { authorization: `Bearer ${token}` })).status, 200)
  const dead = await eventually(async () => {
    const e = await read()
    return sum(e, 'byoc_outbox_dead_letters_total', { kind: 'platform.deliver' }) === 1 && sum(e, 'byoc_outbox_dead_letter_jobs') === 1 && e
  }, 20_000, 'a dead letter')
  t.equal(sum(dead, 'byoc_outbox_retries_total', { kind: 'platform.deliver' }), 2, 'three attempts: two retries, then dead')
  t.equal(sum(dead, 'byoc_platform_delivery_duration_seconds_count', { channel: 'recorder', outcome: 'error' }), 3)
  t.equal(sum(dead, 'byoc_outbox_job_duration_seconds_count', { kind: 'platform.deliver', outcome: 'dead' }), 1)
  t.equal(sum(dead, 'byoc_outbox_pending_jobs'), 0, 'nothing left waiting')
})

t.test('/metrics on the main port needs the bearer token; without a port or token it is not served', async t => {
  const secured = await startHubWith(t, { metrics: { bearerToken: 'metrics-token-0123456789' } })
  t.match(secured.hub.metricsUrl!(), /main port \/metrics/)
  t.equal((await scrape(`${secured.url}/metrics`)).status, 401)
  t.equal((await scrape(`${secured.url}/metrics`, 'wrong-token')).status, 401)
  const ok = await scrape(`${secured.url}/metrics`, 'metrics-token-0123456789')
  t.equal(ok.status, 200)
  t.ok(parseExposition(ok.text).types.has('byoc_http_request_duration_seconds'))

  const open = await startHubWith(t, {})
  t.match(open.hub.metricsUrl!(), /not served/)
  t.equal((await scrape(`${open.url}/metrics`)).status, 404)

  const off = await startHubWith(t, { metrics: { enabled: false, port: 0 } })
  t.match(off.hub.metricsUrl!(), /disabled/)
})
