import t from 'tap'
import { fork } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CLIENT, ROOT, TEST_CONSOLE_TOKEN, eventually, http } from '../helper.js'
import { fakePlatform, scrape } from './support.js'
import { testDir } from '../test-dir.js'

const CLI = fileURLToPath(new URL('./start-cli.ts', import.meta.url))

/**
 * `byoc-hub start` in a child process with debug logs, its stdout captured whole: what an operator's log pipeline
 * would get. Request ids must follow a request into CXone and into platform deliveries; secrets, tokens and (with
 * log.redactMessageText) message text must never appear.
 */
t.test('byoc-hub start: prints where metrics are; logs carry request ids and no secrets', { timeout: 180_000 }, async t => {
  const platform = await fakePlatform(t)
  const dir = testDir(t, {})
  const configFile = join(dir, 'hub.yaml')
  writeFileSync(configFile, [
    'server: { host: 127.0.0.1, port: 0 }',
    `auth: { clients: [{ clientId: ${CLIENT.clientId}, clientSecret: ${CLIENT.clientSecret} }] }`,
    'cxone: { mode: sandbox, retryBase: 20ms, retryMax: 200ms }',
    `sandbox: { clientId: ${CLIENT.clientId}, consoleToken: ${TEST_CONSOLE_TOKEN} }`, // http() presents it to the console API
    `store: { driver: sqlite, path: ${join(dir, 'hub.db')} }`,
    'log: { level: debug, redactMessageText: true }',
    'metrics: { port: 0 }',
    'channels:',
    `  - { id: recorder, plugin: ${join(ROOT, 'test/fixtures/plugins/recorder')}, cxoneChannelId: chat_recorder, config: { deliverUrl: '${platform.url}' } }`
  ].join('\n'))

  const child = fork(CLI, ['start', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, BYOC_DRAIN_DELAY_MS: '3000' } })
  let out = ''
  child.stdout!.on('data', d => { out += d })
  child.stderr!.on('data', d => { out += d })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  t.teardown(async () => { if (child.exitCode === null) { child.kill('SIGKILL'); await exited } })

  const banner = await eventually<string>(() => {
    if (child.exitCode !== null) throw new Error(`exited early:\n${out}`)
    return /Health: +(\S+)\/health\/ready/.test(out) && /Metrics: +(\S+)/.test(out) ? out : undefined
  }, 120_000, 'the start banner')
  const base = /Health: +(\S+)\/health\/ready/.exec(banner)![1]!
  const metricsUrl = /Metrics: +(\S+)/.exec(banner)![1]!
  t.match(metricsUrl, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/, 'start prints where Prometheus scrapes')
  const scraped = await scrape(metricsUrl)
  t.equal(scraped.status, 200)
  t.match(scraped.text, /# TYPE byoc_http_request_duration_seconds histogram/)

  const box = `${base}/integration/box`
  const tokenRes = await http('POST', `${box}/1.0/token`, { grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret })
  const accessToken = tokenRes.body.access_token as string
  t.equal((await http('POST', `${box}/1.0/token`, { grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: 'leaky-wrong-secret-42' })).status, 401)

  // a customer's message: the hub answers at once, the outbox calls CXone later under the same request id
  const inbound = await http('POST', `${base}/channels/recorder/inbound`, { customerId: 'c-1', messageId: 'm-1', text: 'very private words' }, { 'x-request-id': 'trace-in-1' })
  t.equal(inbound.status, 202)
  const lines = (): Array<Record<string, any>> => out.split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l)) // intentional any: pino lines
  await eventually(() => lines().some(l => l.reqId === 'trace-in-1' && l.req?.url === '/sandbox/dfo/3.0/channels/chat_recorder/messages'), 20_000,
    'the DFO call arriving with X-Request-Id trace-in-1')

  // the agent's reply: the platform delivery runs under the outbound request's id
  const threadId = inbound.body.messages[0].threadId as string
  const outbound = await http('POST', `${box}/2.0/channel/chat_recorder/outbound`, {
    thread: { idOnExternalPlatform: threadId }, messageContent: { type: 'TEXT', payload: { text: 'agent private reply' } },
    endUserRecipients: [{ idOnExternalPlatform: 'c-1' }]
  }, { authorization: `Bearer ${accessToken}`, 'x-request-id': 'trace-out-1' })
  t.equal(outbound.status, 200, JSON.stringify(outbound.body))
  await eventually(() => platform.received.some(r => r.path === '/messages'), 20_000, 'delivery to the platform')
  await eventually(() => lines().some(l => l.reqId === 'trace-out-1' && l.kind === 'platform.deliver' && l.msg === 'job run'), 20_000, 'the delivery logged under trace-out-1')

  // CXone's Add action: the one-time token travels in the query string
  const minted = await http('POST', `${base}/sandbox/console/api/integrations/one-time-token`, {})
  const oneTimeToken = minted.body.token as string
  t.equal((await http('GET', minted.body.links.add)).status, 200)
  await eventually(() => lines().some(l => typeof l.req?.url === 'string' && l.req.url.startsWith('/integration/box/actions/add?') && l.req.url.includes('token=[redacted]')), 20_000, 'the action URL logged, token masked')

  // a graceful stop: readiness off while the listener still answers (server.drainDelay), then exit 0
  child.kill('SIGTERM')
  const draining = await eventually(async () => {
    const r = await http('GET', `${base}/health/ready`)
    return r.status === 503 && r.body
  }, 2500, 'not-ready during the drain delay')
  t.equal(draining.checks.draining, 'not ready', 'the load balancer is told before connections are refused')
  t.equal(await exited, 0, 'SIGTERM drains and exits 0')
  t.ok(lines().some(l => /draining/.test(l.msg)), 'the drain is logged')

  for (const [what, secret] of Object.entries({
    'client secret': CLIENT.clientSecret, 'refused secret': 'leaky-wrong-secret-42', 'access token': accessToken,
    'one-time token': oneTimeToken, 'customer text': 'very private words', 'agent text': 'agent private reply'
  })) {
    t.notOk(out.includes(secret), `no ${what} in the logs`)
  }
  t.ok(lines().length > 20, 'there were logs to search')
})
