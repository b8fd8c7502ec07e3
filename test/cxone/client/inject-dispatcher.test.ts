import t, { type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { Readable } from 'node:stream'
import { fetch, request } from 'undici'
import { InjectDispatcher } from '../../../core/cxone/inject-dispatcher.js'
import { createDfoClient } from '../../../core/cxone/dfo-client.js'
import { createTokenSource } from '../../../core/cxone/token-client.js'
import type { SandboxFaults } from '../../../core/sandbox/options.js'
import { KEY, startSandboxApp } from '../../sandbox/helper.js'

const ORIGIN = 'http://app.invalid'
const CHUNKS = Array.from({ length: 40 }, (_, i) => `chunk ${i} `.padEnd(4096, '.'))

/** A small app with what a transport must carry: headers both ways, bodies both ways, a streamed answer, a hang. */
async function appUnderTest (t: Test): Promise<{ app: FastifyInstance, release: () => void }> {
  const app = Fastify()
  let release = (): void => undefined
  const held = new Promise<void>(resolve => { release = resolve })
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => { done(null, body) })
  app.post('/echo', async (req) => ({ host: req.headers.host, url: req.url, custom: req.headers['x-custom'], ip: req.ip, size: (req.body as Buffer).length }))
  app.get('/made', async (_req, reply) => reply.code(201).header('set-cookie', ['a=1', 'b=2']).header('retry-after', '3').send('made'))
  app.get('/stream', async (_req, reply) => reply.type('text/plain').send(Readable.from(CHUNKS)))
  app.get('/hang', async () => { await held; return 'late' })
  app.get('/fail', async () => { throw new Error('boom') })
  t.teardown(async () => { release(); await app.close() })
  return { app, release }
}

t.test('request() gets status, repeated headers and body; the app gets path, headers, Host and a streamed body', async t => {
  const { app } = await appUnderTest(t)
  const dispatcher = new InjectDispatcher((o) => app.inject(o))
  const made = await request(`${ORIGIN}/made`, { dispatcher })
  t.equal(made.statusCode, 201)
  t.same(made.headers['set-cookie'], ['a=1', 'b=2'], 'a repeated header stays repeated')
  t.equal(made.headers['retry-after'], '3')
  t.equal(await made.body.text(), 'made')

  const body = Readable.from([Buffer.alloc(70_000, 1), Buffer.alloc(30_000, 2)])
  const echo = await request(`${ORIGIN}/echo?x=1`, { dispatcher, method: 'POST', headers: { 'content-type': 'application/octet-stream', 'X-Custom': 'yes' }, body })
  t.same(await echo.body.json(), { host: 'app.invalid', url: '/echo?x=1', custom: 'yes', ip: '127.0.0.1', size: 100_000 })

  const presenting = new InjectDispatcher((o) => app.inject(o), { host: () => '127.0.0.1:8080' })
  const seen = await request(`${ORIGIN}/echo`, { dispatcher: presenting, method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'abc' })
  t.equal(((await seen.body.json()) as { host: string }).host, '127.0.0.1:8080', 'the host option is the Host the app sees')
})

t.test('fetch() works through it too: its async-iterable body and its streamed answer', async t => {
  const { app } = await appUnderTest(t)
  const dispatcher = new InjectDispatcher((o) => app.inject(o))
  const echo = await fetch(`${ORIGIN}/echo`, { dispatcher, method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'x'.repeat(5000) })
  t.equal(echo.status, 200)
  t.equal(((await echo.json()) as { size: number }).size, 5000)
  const streamed = await fetch(`${ORIGIN}/stream`, { dispatcher })
  t.equal(await streamed.text(), CHUNKS.join(''))
})

t.test('an undici 7 handler is served natively; a body paused at the headers waits for resume', async t => {
  const { app } = await appUnderTest(t)
  const dispatcher = new InjectDispatcher((o) => app.inject(o))
  const events: string[] = []
  const chunks: Buffer[] = []
  await new Promise<void>((resolve, reject) => {
    dispatcher.dispatch({ origin: ORIGIN, path: '/stream', method: 'GET' }, {
      onRequestStart: () => { events.push('start') },
      onResponseStart: (c, status, headers) => {
        events.push(`${status} ${String(headers['content-type'])}`)
        c.pause()
        setTimeout(() => { events.push('resume'); c.resume() }, 50)
      },
      onResponseData: (_c, chunk) => { if (events.at(-1) !== 'data') events.push('data'); chunks.push(chunk) },
      onResponseEnd: () => { events.push('end'); resolve() },
      onResponseError: (_c, err) => { reject(err) }
    })
  })
  t.same(events, ['start', '200 text/plain', 'resume', 'data', 'end'], 'no data before resume')
  t.equal(Buffer.concat(chunks).toString(), CHUNKS.join(''))
})

t.test('the caller\'s AbortSignal and undici\'s headersTimeout end a call the app has not answered', async t => {
  const { app, release } = await appUnderTest(t)
  const dispatcher = new InjectDispatcher((o) => app.inject(o))
  const started = Date.now()
  await t.rejects(request(`${ORIGIN}/hang`, { dispatcher, signal: AbortSignal.timeout(50) }), { name: 'TimeoutError' })
  await t.rejects(request(`${ORIGIN}/hang`, { dispatcher, headersTimeout: 50 }), { code: 'UND_ERR_HEADERS_TIMEOUT' })
  t.ok(Date.now() - started < 2000, 'neither waited for the app')
  const aborted = new AbortController()
  aborted.abort(new Error('gave up before sending'))
  await t.rejects(request(`${ORIGIN}/made`, { dispatcher, signal: aborted.signal }), { message: 'gave up before sending' })
  release()
  t.equal((await request(`${ORIGIN}/made`, { dispatcher })).statusCode, 201, 'later calls are unaffected')
})

t.test('errors: a 500 is an answer; a closed app and a closed dispatcher are errors', async t => {
  const { app } = await appUnderTest(t)
  const dispatcher = new InjectDispatcher((o) => app.inject(o))
  const failed = await request(`${ORIGIN}/fail`, { dispatcher })
  t.equal(failed.statusCode, 500)
  t.match(await failed.body.json(), { message: 'boom' })
  await dispatcher.close()
  await t.rejects(request(`${ORIGIN}/made`, { dispatcher }), { code: 'UND_ERR_CLOSED' })
  await app.close()
  await t.rejects(request(`${ORIGIN}/made`, { dispatcher: new InjectDispatcher((o) => app.inject(o)) }), { code: 'FST_ERR_REOPENED_CLOSE_SERVER' })
})

/** The DFO client on the sandbox, in process: random draws are scripted, one per DFO call (the token call draws none). */
async function dfoOnSandbox (t: Test, faults: SandboxFaults, draws: number[], timeoutMs = 5000) {
  let i = 0
  const sb = await startSandboxApp(t, { faults, random: () => draws[i++ % draws.length]! })
  const outcomes: string[] = []
  const tokens = createTokenSource({ authUrl: `${sb.url}/auth/token`, accessKeyId: KEY.id, accessKeySecret: KEY.secret, timeoutMs: 5000, dispatcher: sb.dispatcher })
  const dfo = createDfoClient({
    apiBaseUrl: async () => sb.url, tokens, timeoutMs, retryBaseMs: 10, retryMaxMs: 5000, dispatcher: sb.dispatcher,
    onCall: (_op, _ms, outcome) => outcomes.push(outcome)
  })
  return { dfo, outcomes }
}

t.test('the DFO retry policy works in process: a 5xx is retried, a 429 waits its Retry-After, latency times out', async t => {
  t.test('5xx then success', async t => {
    const { dfo, outcomes } = await dfoOnSandbox(t, { errorRate: 0.5 }, [0.1, 0.9])
    t.ok(Array.isArray(await dfo.listChannels()))
    t.same(outcomes, ['http_5xx', 'ok'])
  })
  t.test('429 with Retry-After: 1 s, then success', async t => {
    const { dfo, outcomes } = await dfoOnSandbox(t, { rateLimitRate: 0.5, retryAfterMs: 1000 }, [0.1, 0.9])
    const started = Date.now()
    await dfo.listChannels()
    t.ok(Date.now() - started >= 950, 'waited for Retry-After, not the 10 ms backoff')
    t.same(outcomes, ['http_429', 'ok'])
  })
  t.test('latency past the per-attempt timeout is BYOC_ERR_CXONE_TIMEOUT', async t => {
    // the sandbox's latency far above the 100 ms timeout: a loaded machine's lag cannot pass for the sandbox's answer
    const LATENCY_MS = 3000
    const { dfo, outcomes } = await dfoOnSandbox(t, { latencyMs: LATENCY_MS }, [0.9], 100)
    const started = Date.now()
    await t.rejects(dfo.listChannels({ attempts: 1 }), { code: 'BYOC_ERR_CXONE_TIMEOUT' })
    t.ok(Date.now() - started < LATENCY_MS - 500, 'the timeout, not the sandbox, ended the call')
    t.same(outcomes, ['timeout'])
    // the sandbox still finishes the abandoned call, as a server would: let it, before its store closes
    await new Promise(resolve => setTimeout(resolve, LATENCY_MS))
  })
  t.end()
})
