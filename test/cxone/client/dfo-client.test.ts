import t from 'tap'
import type { Test } from 'tap'
import { createDfoClient, type DfoClientOptions } from '../../../core/cxone/dfo-client.js'
import { createTokenSource } from '../../../core/cxone/token-client.js'
import { DfoError } from '../../../core/cxone/dfo-types.js'
import type { CxoneInboundMessage } from '../../../core/plugin-api/cxone-types.js'
import { startFakeCxone, type FakeCxone } from './fake-cxone.js'

interface Setup { fake: FakeCxone, dfo: ReturnType<typeof createDfoClient>, calls: Array<[string, string]> }

async function setup (t: Test, extra: Partial<DfoClientOptions> = {}): Promise<Setup> {
  const fake = await startFakeCxone(t)
  const tokens = createTokenSource({ authUrl: fake.authUrl, accessKeyId: 'k', accessKeySecret: 's', timeoutMs: 5000 })
  const calls: Array<[string, string]> = []
  const dfo = createDfoClient({
    apiBaseUrl: fake.url + '/', tokens, timeoutMs: 5000, retryBaseMs: 10, retryMaxMs: 5000,
    onCall: (op, _ms, outcome) => calls.push([op, outcome]), ...extra
  })
  t.teardown(() => dfo.close())
  return { fake, dfo, calls }
}

const message = {
  idOnExternalPlatform: 'm-1',
  direction: 'inbound',
  createdAtWithMilliseconds: '2026-01-01T00:00:00.000Z',
  thread: { idOnExternalPlatform: 'th-1' },
  messageContent: { type: 'TEXT', payload: { text: 'hi' } },
  authorEndUserIdentity: { idOnExternalPlatform: 'u-1' }
} as unknown as CxoneInboundMessage

t.test('createMessage posts the body with a bearer token and X-Request-Id, and returns DFO\'s answer', async t => {
  const { fake, dfo, calls } = await setup(t)
  fake.script('POST', '/channels/chat_1/messages', { body: { message: { id: 'dfo-9', idOnExternalPlatform: 'm-1' }, consumerContact: { id: 77 } } })
  const r = await dfo.createMessage('chat_1', message, { requestId: 'req-42' })
  t.same(r, { message: { id: 'dfo-9', idOnExternalPlatform: 'm-1' }, consumerContact: { id: 77 } })
  const seen = fake.calls('POST', '/channels/chat_1/messages')
  t.equal(seen.length, 1)
  t.equal(seen[0]!.headers.authorization, 'Bearer tok-1')
  t.equal(seen[0]!.headers['x-request-id'], 'req-42')
  t.same(seen[0]!.body, message)
  t.same(calls, [['createMessage', 'ok']])
})

t.test('a 401 gets one fresh token and the call succeeds', async t => {
  const { fake, dfo, calls } = await setup(t)
  await dfo.updateThread('c', 't', { canAddMoreMessages: true })
  fake.revoked.add('tok-1')
  await dfo.updateThread('c', 't', { canAddMoreMessages: false })
  const seen = fake.calls('PUT', '/channels/c/threads/t')
  t.same(seen.map(s => s.headers.authorization), ['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2'])
  t.same(seen[2]!.body, { canAddMoreMessages: false })
  t.equal(fake.tokenRequests.length, 2)
  t.same(calls.map(c => c[1]), ['ok', 'http_4xx', 'ok'])
})

t.test('a 401 after the fresh token is BYOC_ERR_CXONE_UNAUTHORIZED, not retried further', async t => {
  const { fake, dfo } = await setup(t)
  fake.revoked.add('tok-1').add('tok-2')
  await t.rejects(dfo.senderAction('c', 't', 'isTypingOn'), { code: 'BYOC_ERR_CXONE_UNAUTHORIZED', details: { status: 401 } })
  t.equal(fake.dfo.length, 2)
  t.equal(fake.tokenRequests.length, 2)
})

t.test('a 500 is retried: the fake sees two attempts, the caller sees success', async t => {
  const { fake, dfo, calls } = await setup(t)
  fake.script('POST', '/channels/c/messages', { status: 500, body: { errors: [{ message: 'boom' }] } }, { body: { message: { id: 'x' } } })
  t.same(await dfo.createMessage('c', message), { message: { id: 'x' } })
  t.equal(fake.calls('POST', '/channels/c/messages').length, 2)
  t.same(calls.map(c => c[1]), ['http_5xx', 'ok'])
})

t.test('5xx on every attempt gives BYOC_ERR_CXONE_UNAVAILABLE after the default 3 attempts', async t => {
  const { fake, dfo } = await setup(t)
  fake.script('PUT', '/contacts/55/status', { status: 502 }, { status: 503 }, { status: 500 }, {})
  await t.rejects(dfo.updateContactStatus('55', 'closed'), { code: 'BYOC_ERR_CXONE_UNAVAILABLE', details: { status: 500 } })
  t.equal(fake.dfo.length, 3)
})

t.test('a 429 waits at least Retry-After before the next attempt', async t => {
  const { fake, dfo, calls } = await setup(t)
  fake.script('POST', '/channels/c/messages', { status: 429, headers: { 'retry-after': '1' } }, {})
  await dfo.createMessage('c', message)
  const [first, second] = fake.calls('POST', '/channels/c/messages')
  // backoff alone would be at most retryBaseMs (10 ms); a few ms of slack for timer and clock granularity
  t.ok(second!.at - first!.at >= 995, `gap ${second!.at - first!.at} ms`)
  t.same(calls.map(c => c[1]), ['http_429', 'ok'])
})

t.test('Retry-After is capped by retryMaxMs', async t => {
  const { fake, dfo } = await setup(t, { retryMaxMs: 100 })
  fake.script('POST', '/channels/c/messages', { status: 503, headers: { 'retry-after': '30' } }, {})
  const started = Date.now()
  await dfo.createMessage('c', message)
  t.ok(Date.now() - started < 10_000, 'did not wait 30 s')
  t.equal(fake.dfo.length, 2)
})

t.test('with attempts: 1 a 429 is thrown at once, carrying retryAfterMs for the job', async t => {
  const { fake, dfo } = await setup(t)
  fake.script('POST', '/channels/c/messages', { status: 429, headers: { 'retry-after': '12' } })
  const err = await dfo.createMessage('c', message, { attempts: 1 }).catch((e: unknown) => e)
  t.ok(err instanceof DfoError)
  t.match(err, { code: 'BYOC_ERR_CXONE_RATE_LIMITED', retryable: true, details: { status: 429, retryAfterMs: 12_000 } })
  t.equal(fake.dfo.length, 1)
})

t.test('a call that gets no answer ends with BYOC_ERR_CXONE_TIMEOUT', async t => {
  const { fake, dfo, calls } = await setup(t, { timeoutMs: 300 })
  fake.script('POST', '/channels/c/messages', { hang: true })
  await t.rejects(dfo.createMessage('c', message, { attempts: 1 }), { code: 'BYOC_ERR_CXONE_TIMEOUT' })
  t.same(calls, [['createMessage', 'timeout']])
})

t.test('a timed-out attempt is retried like a network error', async t => {
  const { fake, dfo } = await setup(t, { timeoutMs: 1000 })
  fake.script('POST', '/channels/c/messages', { hang: true }, { body: { message: { id: 'ok' } } })
  t.same(await dfo.createMessage('c', message), { message: { id: 'ok' } })
  t.equal(fake.dfo.length, 2)
})

t.test('the caller\'s signal aborts the call and stops retries', async t => {
  const { fake, dfo } = await setup(t)
  fake.script('POST', '/channels/c/messages', { hang: true })
  const ac = new AbortController()
  const pending = dfo.createMessage('c', message, { signal: ac.signal })
  const deadline = Date.now() + 10_000
  while (fake.dfo.length === 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 10))
  ac.abort()
  // a retry would get the fake's default 200 and succeed
  await t.rejects(pending, { code: 'BYOC_ERR_CXONE_TIMEOUT', message: /aborted by the caller/ })
  t.equal(fake.dfo.length, 1)
})

t.test('a 400 is not retried and is BYOC_ERR_CXONE_REJECTED with DFO\'s message', async t => {
  const { fake, dfo, calls } = await setup(t)
  fake.script('POST', '/channels/c/messages', { status: 400, body: { errors: [{ message: 'Array should have at least 1 items', parameters: { errorCode: 'validation' } }] } })
  const err = await dfo.createMessage('c', message).catch((e: unknown) => e)
  t.match(err, { code: 'BYOC_ERR_CXONE_REJECTED', retryable: false, message: /at least 1 items/, details: { status: 400, dfoErrorCode: 'validation' } })
  t.equal(fake.dfo.length, 1)
  t.same(calls.map(c => c[1]), ['http_4xx'])
})

t.test('cannotAddMoreMessagesToPost becomes BYOC_ERR_CXONE_THREAD_CLOSED', async t => {
  const { fake, dfo } = await setup(t)
  fake.script('POST', '/channels/c/messages',
    { status: 400, body: { errors: [{ message: 'closed', parameters: { errorCode: 'cannotAddMoreMessagesToPost' } }] } },
    { status: 422, body: { errors: [{ message: 'x', errorCode: 'cannotAddMoreMessagesToPost' }] } },
    { status: 400, body: { errors: [{ message: 'Error: cannotAddMoreMessagesToPost' }] } })
  for (let i = 0; i < 3; i++) {
    await t.rejects(dfo.createMessage('c', message), { code: 'BYOC_ERR_CXONE_THREAD_CLOSED', details: { dfoErrorCode: 'cannotAddMoreMessagesToPost' } })
  }
  t.equal(fake.dfo.length, 3, 'never retried')
})

t.test('a refused connection is BYOC_ERR_CXONE_NETWORK after the attempts', async t => {
  const { fake } = await setup(t)
  const tokens = createTokenSource({ authUrl: fake.authUrl, accessKeyId: 'k', accessKeySecret: 's', timeoutMs: 5000 })
  const outcomes: string[] = []
  const dead = createDfoClient({ apiBaseUrl: 'http://127.0.0.1:1', tokens, timeoutMs: 2000, retryBaseMs: 5, retryMaxMs: 20, defaultAttempts: 2, onCall: (_op, _ms, o) => outcomes.push(o) })
  t.teardown(() => dead.close())
  await t.rejects(dead.listChannels(), { code: 'BYOC_ERR_CXONE_NETWORK', retryable: true })
  t.same(outcomes, ['network', 'network'])
})
