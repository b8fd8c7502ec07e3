import t, { type Test } from 'tap'
import { request } from 'undici'
import { startHub, http, eventually, type StartedHub } from '../helper.js'
import { secretKey, sign } from '../../plugins/generic-webhook/signature.js'

// The core webhook pipeline, driven through a real hub on loopback with the CXone sandbox, by a test channel
// (test/fixtures/plugins/signed-hook) that declares one webhook with a fixed schema and no code of its own for
// raw bodies, replays, customers or threads.
const CH = 'hooks'
const SECRET = `whsec_${Buffer.from('signed-hook-test-secret-0123456789').toString('base64')}`
const WRONG = `whsec_${Buffer.from('not-the-signed-hook-secret-9876543').toString('base64')}`
const TOLERANCE_S = 60

interface Sent { status: number, body: any } // intentional any: tests read JSON

async function start (t: Test, overrides: Record<string, unknown> = {}): Promise<{ hub: StartedHub, hookUrl: string }> {
  const hub = await startHub(t, {
    channels: [{ id: CH, plugin: './test/fixtures/plugins/signed-hook', cxoneChannelId: 'chat_hooks', config: { secret: SECRET, toleranceSeconds: TOLERANCE_S } }],
    ...overrides
  })
  return { hub, hookUrl: `${hub.url}/channels/${CH}/hooks/messages` }
}

/** POSTs the exact bytes, signed as a Standard Webhooks sender signs them (a new timestamp per attempt). */
async function post (url: string, id: string, body: unknown, opts: { nowMs?: number, secret?: string, headers?: Record<string, string> } = {}): Promise<Sent> {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
  const timestamp = Math.floor((opts.nowMs ?? Date.now()) / 1000)
  const res = await request(url, {
    method: 'POST',
    body: raw,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': sign(secretKey(opts.secret ?? SECRET), id, timestamp, raw),
      ...opts.headers
    }
  })
  const text = await res.body.text()
  return { status: res.statusCode, body: text ? JSON.parse(text) : undefined }
}

const message = (id: string, customer: string, text = `hello ${id}`, extra: Record<string, unknown> = {}) =>
  ({ id, from: { id: customer, name: `Name of ${customer}` }, text, ...extra })
const batch = (...events: unknown[]) => ({ events })

function coded (t: Test, res: Sent, status: number, code: string, what: string): void {
  t.equal(res.status, status, `${what}: status`)
  t.equal(res.body?.error?.code, code, `${what}: ${JSON.stringify(res.body)}`)
}

t.test('a signed delivery: customer upserted, current thread, stored, relayed to CXone, 202', async t => {
  const { hub, hookUrl } = await start(t)
  const first = await post(hookUrl, 'wh-1', batch(message('m-1', 'cust-a')))
  t.equal(first.status, 202, JSON.stringify(first.body))
  t.match(first.body, { messages: [{ messageId: 'm-1', threadId: String, seq: Number, duplicate: false }] })
  const threadId = first.body.messages[0].threadId as string
  t.equal((await hub.store.getCustomer(CH, 'cust-a'))?.name, 'Name of cust-a', 'the customer is upserted with the name the event carries')
  t.equal((await hub.store.findCurrentThread(CH, 'cust-a'))?.threadId, threadId, 'no conversation given: the customer\'s current thread')
  await eventually(async () => (await hub.store.getMessage(CH, 'm-1'))?.status === 'sent', 10_000, 'm-1 sent to the sandbox')
  const sandboxThreads = (await http('GET', `${hub.sandboxUrl}/console/api/threads`)).body as Array<{ customerId: string }>
  t.ok(sandboxThreads.some(x => x.customerId === 'cust-a'), 'the sandbox (CXone) has the conversation')

  const second = await post(hookUrl, 'wh-2', batch(message('m-2', 'cust-a')))
  t.equal(second.body.messages[0].threadId, threadId, 'the next message joins the same current thread')

  const own = await post(hookUrl, 'wh-3', batch(message('m-3', 'cust-a', 'in my own conversation', { conversation: 'platform-conv-9' })))
  t.equal(own.body.messages[0].threadId, 'platform-conv-9', 'a platform conversation id is the thread')

  const ordered = await post(hookUrl, 'wh-4', batch(message('m-4a', 'cust-b'), message('m-4b', 'cust-b'), message('m-4c', 'cust-b')))
  t.same(ordered.body.messages.map((m: { messageId: string }) => m.messageId), ['m-4a', 'm-4b', 'm-4c'])
  const stored = await hub.store.listMessages(CH, ordered.body.messages[0].threadId)
  t.same(stored.map(m => m.messageId), ['m-4a', 'm-4b', 'm-4c'], 'a batch is stored in its order')

  const ignored = await post(hookUrl, 'wh-5', batch())
  t.equal(ignored.status, 202)
  t.same(ignored.body, { ignored: true }, 'an event with no message is acknowledged')
})

t.test('signatures: only the exact signed bytes pass; nothing refused is stored', async t => {
  const { hub, hookUrl } = await start(t)
  const body = batch(message('m-bad', 'cust-x'))
  coded(t, await post(hookUrl, 'wh-s1', body, { secret: WRONG }), 401, 'BYOC_ERR_WEBHOOK_SIGNATURE', 'wrong secret')
  coded(t, await post(hookUrl, 'wh-s1', body, { headers: { 'webhook-id': 'wh-other' } }), 401, 'BYOC_ERR_WEBHOOK_SIGNATURE', 'id swapped after signing')
  const now = Math.floor(Date.now() / 1000)
  const json = JSON.stringify(body)
  const tampered = await request(hookUrl, {
    method: 'POST',
    body: json.replace('hello', 'HELLO'),
    headers: { 'content-type': 'application/json', 'webhook-id': 'wh-s2', 'webhook-timestamp': String(now), 'webhook-signature': sign(secretKey(SECRET), 'wh-s2', now, json) }
  })
  t.equal(tampered.statusCode, 401, 'body changed after signing')
  t.equal(((await tampered.body.json()) as Sent['body']).error.code, 'BYOC_ERR_WEBHOOK_SIGNATURE')
  // a re-serialised body would have lost the spacing the platform signed: core keeps the raw bytes
  const spaced = '{ "events": [ { "id": "m-spaced", "from": { "id": "cust-y" }, "text": "spaced out" } ] }'
  t.equal((await post(hookUrl, 'wh-s3', spaced)).status, 202, 'signature over the exact bytes, whitespace and all')
  const unsigned = await http('POST', hookUrl, body)
  coded(t, unsigned, 401, 'BYOC_ERR_WEBHOOK_UNSIGNED', 'no webhook headers')
  coded(t, await post(hookUrl, 'wh-s4', body, { headers: { 'webhook-signature': '' } }), 401, 'BYOC_ERR_WEBHOOK_UNSIGNED', 'empty signature header')
  coded(t, await post(hookUrl, 'bad id with spaces', body), 401, 'BYOC_ERR_WEBHOOK_UNSIGNED', 'a webhook-id that cannot be a key')
  t.equal(await hub.store.getMessage(CH, 'm-bad'), undefined, 'nothing refused was stored')
  t.equal(await hub.store.getCustomer(CH, 'cust-x'), undefined, 'nor its customer')
})

t.test('replay window: a timestamp outside the tolerance is refused either way', async t => {
  const { hub, hookUrl } = await start(t)
  const now = Date.now()
  coded(t, await post(hookUrl, 'wh-t1', batch(message('m-old', 'cust-t')), { nowMs: now - (TOLERANCE_S + 60) * 1000 }), 401, 'BYOC_ERR_WEBHOOK_TIMESTAMP', 'too old')
  coded(t, await post(hookUrl, 'wh-t2', batch(message('m-new', 'cust-t')), { nowMs: now + (TOLERANCE_S + 60) * 1000 }), 401, 'BYOC_ERR_WEBHOOK_TIMESTAMP', 'from the future')
  coded(t, await post(hookUrl, 'wh-t3', batch(message('m-ms', 'cust-t')), { headers: { 'webhook-timestamp': String(now) } }), 401, 'BYOC_ERR_WEBHOOK_TIMESTAMP', 'milliseconds instead of seconds')
  t.equal((await post(hookUrl, 'wh-t4', batch(message('m-skew', 'cust-t')), { nowMs: now - (TOLERANCE_S / 2) * 1000 })).status, 202, 'a skew within the tolerance passes')
  t.equal(await hub.store.getMessage(CH, 'm-old'), undefined)
  t.equal(await hub.store.getMessage(CH, 'm-new'), undefined)
})

t.test('a repeated webhook-id is answered as a duplicate and not processed twice', async t => {
  const { hub, hookUrl } = await start(t)
  const now = Date.now()
  const body = batch(message('m-d1', 'cust-d'))
  const first = await post(hookUrl, 'wh-d1', body, { nowMs: now })
  t.equal(first.status, 202)

  const replay = await post(hookUrl, 'wh-d1', body, { nowMs: now })
  t.equal(replay.status, 200, 'the same delivery again (same timestamp) is a replay')
  t.same(replay.body, { duplicate: true, replay: true })

  // a sender's retry of a done delivery, re-signed later; even with another body it is not processed again
  const retry = await post(hookUrl, 'wh-d1', batch(message('m-d1-changed', 'cust-d')), { nowMs: now + 2000 })
  t.equal(retry.status, 202, 'a retry gets the first answer')
  t.same(retry.body.messages, first.body.messages.map((m: object) => ({ ...m, duplicate: true })), 'marked duplicate')
  t.equal(await hub.store.getMessage(CH, 'm-d1-changed'), undefined, 'the retry was not processed')

  const sameMessage = await post(hookUrl, 'wh-d2', body)
  t.equal(sameMessage.status, 202, 'another webhook-id carrying the same message id...')
  t.equal(sameMessage.body.messages[0].duplicate, true, '...is deduplicated by message id')
  t.equal((await hub.store.listMessages(CH, first.body.messages[0].threadId)).length, 1, 'one message stored')

  // the same event delivered several times at once (a sender's burst of retries): stored once, every answer 2xx
  const burst = await Promise.all([0, 1, 2, 3, 4].map(i => post(hookUrl, 'wh-d3', batch(message('m-d3', 'cust-e')), { nowMs: now + i * 1000 })))
  t.ok(burst.every(r => r.status === 202 || r.status === 200), JSON.stringify(burst.map(r => r.status)))
  t.equal(burst.flatMap(r => r.body.messages ?? []).filter((m: { duplicate: boolean }) => !m.duplicate).length, 1, 'exactly one answer stored it')
  const dThread = (await hub.store.findCurrentThread(CH, 'cust-e'))!.threadId
  t.equal((await hub.store.listMessages(CH, dThread)).length, 1, 'and one message is stored')
  await eventually(async () => (await hub.store.getMessage(CH, 'm-d3'))?.status === 'sent', 10_000, 'm-d3 sent')
})

t.test('a refused delivery leaves its webhook-id free: the sender\'s retry is processed', async t => {
  const { hub, hookUrl } = await start(t)
  const refused = await post(hookUrl, 'wh-r1', batch(message('m-r1', 'cust-r', 'refuse me')))
  coded(t, refused, 422, 'BYOC_SIGNED_HOOK_ERR_REFUSED', 'a plugin error from toEvents, with the plugin\'s prefix')
  t.equal(refused.body.error.message, 'refused: m-r1')
  const fixed = await post(hookUrl, 'wh-r1', batch(message('m-r1', 'cust-r', 'better now')), { nowMs: Date.now() + 1000 })
  t.equal(fixed.status, 202, JSON.stringify(fixed.body))
  t.equal(fixed.body.messages[0].duplicate, false, 'processed')

  const broken = await post(hookUrl, 'wh-r2', batch(message('m-r2', 'cust-r', 'break me')))
  t.equal(broken.status, 503)
  t.notMatch(JSON.stringify(broken.body), /internal detail/, 'a 5xx plugin message is never shown')
  t.equal(await hub.store.getMessage(CH, 'm-r2'), undefined)
})

t.test('bodies: schema, JSON and UTF-8 are checked after the signature, with stable codes', async t => {
  const { hub, hookUrl } = await start(t)
  const schema = await post(hookUrl, 'wh-b1', { events: [{ id: 'm-b1', from: {}, text: 'no customer' }] })
  coded(t, schema, 422, 'BYOC_ERR_WEBHOOK_SCHEMA', 'schema mismatch')
  t.match(schema.body.error.message, '/events/0/from', 'the message names where')
  coded(t, await post(hookUrl, 'wh-b2', { messages: [] }), 422, 'BYOC_ERR_WEBHOOK_SCHEMA', 'not the declared shape')
  coded(t, await post(hookUrl, 'wh-b3', 'not json{'), 400, 'BYOC_ERR_WEBHOOK_MALFORMED', 'signed but not JSON')
  coded(t, await post(hookUrl, 'wh-b4', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), 400, 'BYOC_ERR_WEBHOOK_MALFORMED', 'not UTF-8')
  coded(t, await post(hookUrl, 'wh-b5', '{"events":[],"__proto__":{"polluted":true}}'), 400, 'BYOC_ERR_WEBHOOK_MALFORMED', 'prototype poisoning')
  coded(t, await post(hookUrl, 'wh-b6', ''), 400, 'BYOC_ERR_WEBHOOK_MALFORMED', 'empty body')
  t.equal(await hub.store.getMessage(CH, 'm-b1'), undefined)

  // the webhook's raw-body parser stays in its own scope: the plugin's own routes still get parsed JSON
  const echo = await http('POST', `${hub.url}/channels/${CH}/echo`, { a: 1 })
  t.same(echo.body, { parsed: { a: 1 } })
})

t.test('a closed conversation answers 409', async t => {
  const { hub, hookUrl } = await start(t, { rules: { blockAfterAgentClose: true } })
  const first = await post(hookUrl, 'wh-c1', batch(message('m-c1', 'cust-c', 'hi', { conversation: 'conv-c' })))
  t.equal(first.status, 202)
  await eventually(async () => (await hub.store.getMessage(CH, 'm-c1'))?.status === 'sent', 10_000, 'm-c1 sent')
  const [sb] = (await http('GET', `${hub.sandboxUrl}/console/api/threads`)).body.filter((x: { customerId: string }) => x.customerId === 'cust-c')
  await http('POST', `${hub.sandboxUrl}/console/api/threads/${sb.id}/end`)
  await eventually(async () => (await hub.store.getThread(CH, 'conv-c'))?.status === 'closed', 10_000, 'the agent\'s close reached the hub')
  coded(t, await post(hookUrl, 'wh-c2', batch(message('m-c2', 'cust-c', 'still there?', { conversation: 'conv-c' }))), 409, 'BYOC_ERR_THREAD_CLOSED', 'closed by the agent')
  t.equal(await hub.store.getMessage(CH, 'm-c2'), undefined)
})

t.test('body and rate limits apply to webhooks as to every route', async t => {
  const { hookUrl } = await start(t, { server: { bodyLimit: 2048, rateLimit: { max: 3, window: '1h' } } })
  coded(t, await post(hookUrl, 'wh-l1', batch(message('m-l1', 'cust-l', 'x'.repeat(4096)))), 413, 'BYOC_ERR_BODY_TOO_LARGE', 'over server.bodyLimit')
  // the 413 was refused while reading the body, before the limiter counts (preHandler); other calls from this
  // address (none expected) could only make the 429 come sooner, so: at most `max` pass, then coded 429s
  const answers: Sent[] = []
  for (let i = 2; i <= 6; i++) answers.push(await post(hookUrl, `wh-l${i}`, batch()))
  const passed = answers.filter(a => a.status === 202).length
  t.ok(passed >= 1 && passed <= 3, `${passed} passed`)
  t.same(answers.slice(passed).map(a => a.status), answers.slice(passed).map(() => 429), 'then every one is refused')
  coded(t, answers[answers.length - 1]!, 429, 'BYOC_ERR_RATE_LIMITED', 'rate limited')
})
