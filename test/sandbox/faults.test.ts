import t from 'tap'
import { CONSOLE_AUTH, startSandboxApp } from './helper.js'

/** a random source the test scripts: each DFO call takes the next value */
const scripted = (values: number[]) => { let i = 0; return () => values[i++ % values.length]! }

t.test('rateLimitRate answers 429 with Retry-After, errorRate 500, both in the envelope', async t => {
  const sb = await startSandboxApp(t, { faults: { rateLimitRate: 0.2, errorRate: 0.3, retryAfterMs: 2500 }, random: scripted([0.1, 0.4, 0.6]) })
  const limited = await sb.dfo('GET', '/channels')
  t.equal(limited.statusCode, 429)
  t.equal(limited.headers['retry-after'], '3')
  t.equal(limited.json().errors[0].parameters.errorCode, 'tooManyRequests')
  const failed = await sb.dfo('GET', '/channels')
  t.equal(failed.statusCode, 500)
  t.equal(failed.json().errors[0].parameters.errorCode, 'internalServerError')
  t.equal((await sb.dfo('GET', '/channels')).statusCode, 200)
})

t.test('faults come before the bearer check and do not touch the console API', async t => {
  const sb = await startSandboxApp(t, { faults: { errorRate: 1 } })
  t.equal((await sb.app.inject({ method: 'GET', url: '/sandbox/dfo/3.0/channels' })).statusCode, 500)
  t.equal((await sb.app.inject({ headers: CONSOLE_AUTH, method: 'GET', url: '/sandbox/console/api/threads' })).statusCode, 200)
  t.equal((await sb.app.inject({ method: 'POST', url: '/sandbox/auth/token', payload: {} })).statusCode, 400, 'the token endpoint is not faulted')
})

t.test('downtime windows answer 503; the runtime API changes faults for every instance', async t => {
  const sb = await startSandboxApp(t)
  t.same((await sb.app.inject({ headers: CONSOLE_AUTH, method: 'GET', url: '/sandbox/_faults' })).json(), {})
  const now = Date.now()
  const put = await sb.app.inject({ headers: CONSOLE_AUTH, method: 'PUT', url: '/sandbox/_faults', payload: { downtime: [{ fromMs: now - 1000, toMs: now + 60_000 }] } })
  t.equal(put.statusCode, 200)
  const down = await sb.dfo('GET', '/channels')
  t.equal(down.statusCode, 503)
  t.equal(down.json().errors[0].parameters.errorCode, 'serviceUnavailable')
  await sb.app.inject({ headers: CONSOLE_AUTH, method: 'PUT', url: '/sandbox/_faults', payload: { downtime: [{ fromMs: now - 2000, toMs: now - 1000 }] } })
  t.equal((await sb.dfo('GET', '/channels')).statusCode, 200, 'a past window no longer applies')
  const bad = await sb.app.inject({ headers: CONSOLE_AUTH, method: 'PUT', url: '/sandbox/_faults', payload: { errorRate: 2 } })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().error.code, 'BYOC_ERR_SANDBOX_FAULTS_INVALID')
})

t.test('latency is added to DFO calls', async t => {
  const sb = await startSandboxApp(t, { faults: { latencyMs: 300 } })
  const started = Date.now()
  t.equal((await sb.dfo('GET', '/channels')).statusCode, 200)
  t.ok(Date.now() - started >= 290, `took ${Date.now() - started} ms`)
})
