import t, { type Test } from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startPlatformSink, type PlatformSink } from '@byoc-hub/plugin-kit'
import { startHub, http, eventually, type StartedHub } from '../../helper.js'
import { secretKey, signedHeaders, verifySignature } from '../../../plugins/generic-webhook/index.js'
import { channelConfig, postSigned, platformEvent, OUTBOUND_SECRET, SECRET, WRONG_SECRET } from './driver.js'

const CH = 'acme'

async function start (t: Test, platformUrl?: string): Promise<{ hub: StartedHub, platform: PlatformSink, channelUrl: string }> {
  const platform = await startPlatformSink()
  t.teardown(() => platform.close())
  const hub = await startHub(t, { channels: [{ id: CH, plugin: './plugins/generic-webhook', cxoneChannelId: 'chat_acme', config: channelConfig(platformUrl ?? platform.url) }] })
  return { hub, platform, channelUrl: `${hub.url}/channels/${CH}` }
}

const sample = (n: string) => ({ customerId: `cust-${n}`, customerName: `Customer ${n}`, messageId: `pm-${n}`, text: `hello ${n}` })

async function sentToCxone (hub: StartedHub, messageId: string): Promise<void> {
  await eventually(async () => (await hub.store.getMessage(CH, messageId))?.status === 'sent', 10_000, `${messageId} sent to DFO`)
}

t.test('inbound: signatures, timestamps, replays, mapping', async t => {
  const { hub, channelUrl } = await start(t)
  const s = sample('1')

  const now = Date.now()
  const ok = await postSigned(channelUrl, 'evt-1', platformEvent(s), { nowMs: now })
  t.equal(ok.status, 202, JSON.stringify(ok.body))
  t.equal(ok.body.messages[0].messageId, 'pm-1', 'the platform id is the message id')
  await sentToCxone(hub, 'pm-1')
  t.equal((await hub.store.getCustomer(CH, 'cust-1'))?.name, 'Customer 1', 'customer name mapped')

  const replay = await postSigned(channelUrl, 'evt-1', platformEvent(s), { nowMs: now })
  t.equal(replay.status, 200, 'an identical delivery is acknowledged...')
  t.same(replay.body, { duplicate: true, replay: true }, '...as a replay, not processed')

  const retry = await postSigned(channelUrl, 'evt-1', platformEvent(s), { nowMs: now + 1500 })
  t.equal(retry.status, 202, 'a platform retry (re-signed later) goes through')
  t.equal(retry.body.messages[0].duplicate, true, 'and is deduplicated by message id')
  t.equal((await hub.store.listMessages(CH, ok.body.messages[0].threadId)).length, 1, 'one message stored')

  const coded = async (res: { status: number, body: any }, status: number, code: string, what: string) => { // intentional any: JSON
    t.equal(res.status, status, `${what}: status`)
    t.equal(res.body?.error?.code, code, `${what}: ${JSON.stringify(res.body)}`)
  }
  await coded(await postSigned(channelUrl, 'evt-2', platformEvent(sample('2')), { secret: WRONG_SECRET }), 401, 'BYOC_ERR_WEBHOOK_SIGNATURE', 'wrong secret')
  await coded(await postSigned(channelUrl, 'evt-2', platformEvent(sample('2')), { headers: { 'webhook-id': 'evt-other' } }), 401, 'BYOC_ERR_WEBHOOK_SIGNATURE', 'id swapped after signing')
  const body = JSON.stringify(platformEvent(sample('2')))
  const signedOther = await http('POST', `${channelUrl}/events`, body.replace('hello 2', 'hello 3'), signedHeaders(secretKey(SECRET), 'evt-2', body))
  await coded(signedOther, 401, 'BYOC_ERR_WEBHOOK_SIGNATURE', 'body changed after signing')
  await coded(await postSigned(channelUrl, 'evt-2', platformEvent(sample('2')), { nowMs: Date.now() - 301_000 }), 401, 'BYOC_ERR_WEBHOOK_TIMESTAMP', 'too old')
  await coded(await postSigned(channelUrl, 'evt-2', platformEvent(sample('2')), { nowMs: Date.now() + 301_000 }), 401, 'BYOC_ERR_WEBHOOK_TIMESTAMP', 'from the future')
  await coded(await http('POST', `${channelUrl}/events`, platformEvent(sample('2'))), 401, 'BYOC_ERR_WEBHOOK_UNSIGNED', 'no headers')
  t.equal(await hub.store.getMessage(CH, 'pm-2'), undefined, 'nothing refused was stored')

  await coded(await postSigned(channelUrl, 'evt-3', undefined, { raw: 'not json{' }), 400, 'BYOC_ERR_WEBHOOK_MALFORMED', 'signed but not JSON')
  await coded(await postSigned(channelUrl, 'evt-4', { type: 'message', user: { id: 'u' }, message: { text: 'no id' } }), 422, 'BYOC_GENERIC_WEBHOOK_ERR_MAPPING', 'mapping: no message id')
  const noCustomer = await postSigned(channelUrl, 'evt-5', { type: 'message', user: {}, message: { id: 'x', text: 'hi' } })
  await coded(noCustomer, 422, 'BYOC_GENERIC_WEBHOOK_ERR_MAPPING', 'mapping: no customer')
  t.match(noCustomer.body.error.message, '/user/id', 'the error names the pointer')

  const ignored = await postSigned(channelUrl, 'evt-6', { type: 'presence', user: { id: 'u' } })
  t.equal(ignored.status, 202)
  t.same(ignored.body, { ignored: true }, 'events other than messages are acknowledged and ignored')

  // during a secret rotation the platform sends one signature per secret; one that matches is enough
  const json = JSON.stringify(platformEvent(sample('7')))
  const good = signedHeaders(secretKey(SECRET), 'evt-7', json)
  const stale = signedHeaders(secretKey(WRONG_SECRET), 'evt-7', json, Number(good['webhook-timestamp']) * 1000)
  const rotated = await http('POST', `${channelUrl}/events`, json, { ...good, 'webhook-signature': `${stale['webhook-signature']} ${good['webhook-signature']}` })
  t.equal(rotated.status, 202, 'accepted with two signatures, the second valid')
})

t.test('outbound: signed deliveries, retries until taken, typing and close', async t => {
  const { hub, platform, channelUrl } = await start(t)
  const res = await postSigned(channelUrl, 'evt-o1', platformEvent(sample('o1')))
  const threadId = res.body.messages[0].threadId as string
  await sentToCxone(hub, 'pm-o1')
  const [sbThread] = (await http('GET', `${hub.sandboxUrl}/console/api/threads`)).body.filter((x: { customerId: string }) => x.customerId === 'cust-o1')

  platform.failNext(3, 500)
  const reply = await http('POST', `${hub.sandboxUrl}/console/api/threads/${sbThread.id}/reply`, { text: 'agent says hi' })
  t.equal(reply.status, 200, JSON.stringify(reply.body))
  const delivered = await eventually(() => platform.requests.find(r => r.status === 200 && (r.json as { type?: string })?.type === 'message'), 15_000, 'the agent message delivered')
  const attempts = platform.requests.filter(r => (r.json as { type?: string })?.type === 'message')
  t.equal(attempts.length, 4, 'three failures, then taken')
  t.equal(new Set(attempts.map(r => r.headers['webhook-id'])).size, 1, 'every attempt carries the same webhook-id')
  const id = String(delivered.headers['webhook-id'])
  t.ok(verifySignature(secretKey(OUTBOUND_SECRET), id, String(delivered.headers['webhook-timestamp']), delivered.raw, String(delivered.headers['webhook-signature'])), 'signed with the outbound secret')
  t.notOk(verifySignature(secretKey(SECRET), id, String(delivered.headers['webhook-timestamp']), delivered.raw, String(delivered.headers['webhook-signature'])), 'not with the inbound one')
  t.match(delivered.json, { type: 'message', id, threadId, customerId: 'cust-o1', text: 'agent says hi', attachments: [], author: { name: String } })
  // the worker records 'sent' with the job's completion, in its next store call after the platform answered
  await eventually(async () => (await hub.store.getMessage(CH, id))?.status === 'sent', 10_000, "status 'sent'")
  t.equal((await hub.store.getMessage(CH, id))?.status, 'sent', 'the hub marks it sent once the platform took it')

  await http('POST', `${hub.sandboxUrl}/console/api/threads/${sbThread.id}/typing`, { action: 'isTypingOn' })
  await eventually(() => platform.requests.find(r => (r.json as { type?: string })?.type === 'typing'), 10_000, 'typing delivered')
  t.match(platform.requests.find(r => (r.json as { type?: string })?.type === 'typing')!.json, { type: 'typing', threadId, customerId: 'cust-o1', on: true })

  await http('POST', `${hub.sandboxUrl}/console/api/threads/${sbThread.id}/end`)
  const closed = await eventually(() => platform.requests.find(r => (r.json as { type?: string })?.type === 'thread.closed'), 10_000, 'close delivered')
  t.match(closed.json, { type: 'thread.closed', threadId, customerId: 'cust-o1', reason: 'agent' })
  t.equal(closed.headers['webhook-id'], `closed:${threadId}`, 'a close has a stable webhook-id the platform can dedupe')
})

t.test('outbound: redirects are refused, the message is kept for retry', async t => {
  let elsewhere = 0
  const other = createServer((_req, res) => { elsewhere += 1; res.end('{}') })
  let redirects = 0
  const redirector = createServer((_req, res) => { redirects += 1; res.writeHead(307, { location: `http://127.0.0.1:${(other.address() as AddressInfo).port}/` }).end() })
  await new Promise<void>(resolve => other.listen(0, '127.0.0.1', resolve))
  await new Promise<void>(resolve => redirector.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { other.close(); redirector.close() })
  const { hub, channelUrl } = await start(t, `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/hook`)
  await postSigned(channelUrl, 'evt-r1', platformEvent(sample('r1')))
  await sentToCxone(hub, 'pm-r1')
  const [sbThread] = (await http('GET', `${hub.sandboxUrl}/console/api/threads`)).body.filter((x: { customerId: string }) => x.customerId === 'cust-r1')
  await http('POST', `${hub.sandboxUrl}/console/api/threads/${sbThread.id}/reply`, { text: 'try to follow me' })
  await eventually(() => redirects >= 2, 10_000, 'the redirect answered and retried')
  t.equal(elsewhere, 0, 'the redirect target was never contacted')
  const jobs = await hub.store.listJobs({ state: 'pending', kind: 'platform.deliver' })
  t.ok(jobs.length >= 1 || (await hub.store.listJobs({ state: 'dead' })).length >= 1, 'the delivery is still owed (pending retry or dead letter), never dropped')
})

t.test('a wrongly configured channel does not start', async t => {
  await t.rejects(startHub(t, { channels: [{ id: CH, plugin: './plugins/generic-webhook', cxoneChannelId: 'chat_acme', config: { platformUrl: 'ftp://x', secret: 'plain', mapping: { customerId: 'user.id' } } }] }),
    { code: 'BYOC_ERR_CHANNEL_CONFIG_INVALID', message: /platformUrl[\s\S]*secret[\s\S]*mapping/ })
})
