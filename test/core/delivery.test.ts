import t from 'tap'
import { startHub, http, eventually } from '../helper.js'
import { sandboxThread, setFaults, waitForSandboxMessages } from '../sandbox-view.js'
import { startRig } from '../reliability/harness/rig.js'

const recorder = (cxoneChannelId = 'chat_recorder') => ({ channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId, config: {} }] })
const inbound = (hub: { url: string }, messageId: string, text = 'hello', customerId = 'zebra-1') =>
  http('POST', `${hub.url}/channels/recorder/inbound`, { customerId, messageId, text })

t.test('CXone answers 500, then recovers: the message arrives once', async t => {
  // 20 attempts: the breaker opens after 10 failed calls and then holds the job pending without spending attempts, so
  // a slow poll below cannot find it dead instead (8, the default, last under a second at the test's backoff)
  const hub = await startHub(t, { ...recorder(), cxone: { retries: 20 } }, { listen: false })
  await setFaults(hub.sandboxUrl, { errorRate: 1 })
  const res = await inbound(hub, 'm-500')
  t.equal(res.status, 202, 'accepted (stored) while CXone is failing')
  await eventually(async () => (await hub.store.listJobs({ kind: 'dfo.createMessage' })).find(j => j.attempts >= 1 && j.state === 'pending'), 10_000, 'a failed attempt')
  await setFaults(hub.sandboxUrl, {})
  const threadId = res.body.messages[0].threadId
  const messages = await waitForSandboxMessages(hub.sandboxUrl, threadId, 1)
  await eventually(async () => (await hub.store.getMessage('recorder', 'm-500'))?.status === 'sent', 10_000, 'sent')
  t.equal(messages.filter((m: any) => m.idOnExternalPlatform === 'm-500').length, 1, 'exactly one copy in CXone')
})

t.test('429 with Retry-After delays the next attempt by at least that long', async t => {
  const hub = await startHub(t, recorder(), { listen: false })
  await setFaults(hub.sandboxUrl, { rateLimitRate: 1, retryAfterMs: 1000 })
  const before = Date.now()
  await inbound(hub, 'm-429')
  const job = await eventually(async () => (await hub.store.listJobs({ kind: 'dfo.createMessage' })).find(j => j.lastError), 10_000, 'a rate-limited attempt') // a 429 is not counted as an attempt
  t.match(job.lastError, /RATE_LIMITED/)
  t.ok(job.runAt - before >= 1000, `next attempt ${job.runAt - before} ms later (>= Retry-After 1 s)`)
  await setFaults(hub.sandboxUrl, {})
  await eventually(async () => (await hub.store.getMessage('recorder', 'm-429'))?.status === 'sent', 15_000, 'sent after the wait')
})

t.test('a timeout is retried and CXone still sees one message (dedupe by idOnExternalPlatform)', async t => {
  // 20 attempts: the breaker then holds the job (see above) until the latency is switched off
  const hub = await startHub(t, { ...recorder(), cxone: { timeout: '300ms', retries: 20 } }, { listen: false })
  await setFaults(hub.sandboxUrl, { latencyMs: 1200 })
  const res = await inbound(hub, 'm-slow')
  const job = await eventually(async () => (await hub.store.listJobs({ kind: 'dfo.createMessage' })).find(j => j.attempts >= 1), 10_000, 'a timed-out attempt')
  t.match(job.lastError, /TIMEOUT/)
  await setFaults(hub.sandboxUrl, {})
  await eventually(async () => (await hub.store.getMessage('recorder', 'm-slow'))?.status === 'sent', 15_000, 'sent')
  const view = await sandboxThread(hub.sandboxUrl, res.body.messages[0].threadId)
  t.equal(view!.messages.filter((m: any) => m.idOnExternalPlatform === 'm-slow').length, 1, 'one copy despite the repeat')
})

t.test('a 4xx from CXone is not retried: the message becomes a dead letter, and replay delivers it', async t => {
  const hub = await startHub(t, recorder('no-such-channel'), { listen: false })
  // the sandbox seeds configured channels; remove it so CXone answers 404 (a 4xx) to the relay
  const removed = await http('DELETE', `${hub.sandboxUrl}/dfo/3.0/channels/no-such-channel`, undefined, { authorization: `Bearer ${await sandboxToken(hub)}` })
  t.ok(removed.status < 300, `channel removed (${removed.status})`)
  await inbound(hub, 'm-bad')
  const dead = await eventually(async () => (await hub.store.listJobs({ state: 'dead' }))[0], 10_000, 'dead letter')
  t.equal(dead.attempts, 1, 'one attempt only')
  t.match(dead.lastError, /REJECTED/)
  // an operator fixes CXone (creates the channel) and replays
  const created = await http('POST', `${hub.sandboxUrl}/dfo/3.0/channels`, {
    id: 'no-such-channel', idOnExternalPlatform: 'no-such-channel', channelIntegrationId: 'x', realExternalPlatformId: 'custom', name: 'late', isPrivate: true, hasTreeStructure: false
  }, { authorization: `Bearer ${await sandboxToken(hub)}` })
  t.equal(created.status < 300, true, `channel created (${created.status})`)
  t.ok(await hub.store.replayJob(dead.jobId))
  hub.hub.worker.kick()
  await eventually(async () => (await hub.store.getMessage('recorder', 'm-bad'))?.status === 'sent', 10_000, 'sent after replay')
})

t.test('a platform retry of the same message is stored and relayed once', async t => {
  const hub = await startHub(t, recorder(), { listen: false })
  const first = await inbound(hub, 'm-dup')
  const second = await inbound(hub, 'm-dup')
  t.equal(second.status, 202)
  t.equal(second.body.messages[0].duplicate, true)
  t.equal(second.body.messages[0].seq, first.body.messages[0].seq)
  await eventually(async () => (await hub.store.getMessage('recorder', 'm-dup'))?.status === 'sent', 10_000, 'sent')
  const view = await sandboxThread(hub.sandboxUrl, first.body.messages[0].threadId)
  t.equal(view!.messages.length, 1)
})

t.test('messages of one thread reach CXone in order', async t => {
  // scripted failures, not random ones: a random run could open the breaker (probes doubling past any deadline) or
  // spend a message's every attempt. The head fails twice, so the rest queue behind it; two later ones fail once
  // (4 failures in 12 calls: under the breaker's half)
  const rig = await startRig(t)
  rig.cxone.script('m-ord-0', [500, 500])
  rig.cxone.script('m-ord-3', [500])
  rig.cxone.script('m-ord-6', [500])
  let threadId = ''
  for (let i = 0; i < 8; i++) threadId = (await rig.send('zebra-1', `m-ord-${i}`, `n${i}`)).body.messages[0].threadId
  await eventually(async () => (await rig.hub.store.getMessage('recorder', 'm-ord-7'))?.status === 'sent', 30_000, 'last sent')
  t.same(rig.cxone.creates().filter(c => c.status >= 500).map(c => c.key), ['m-ord-0', 'm-ord-0', 'm-ord-3', 'm-ord-6'], 'the scripted failures happened')
  const view = await sandboxThread(rig.cxone.url, threadId)
  t.same(view!.messages.map((m: any) => m.text), [0, 1, 2, 3, 4, 5, 6, 7].map(i => `n${i}`))
})

async function sandboxToken (hub: { sandboxUrl: string, config: { sandbox: { accessKeyId: string, accessKeySecret: string } } }): Promise<string> {
  const res = await http('POST', `${hub.sandboxUrl}/auth/token`, `grant_type=password&username=${hub.config.sandbox.accessKeyId}&password=${hub.config.sandbox.accessKeySecret}`, { 'content-type': 'application/x-www-form-urlencoded' })
  return res.body.access_token
}
