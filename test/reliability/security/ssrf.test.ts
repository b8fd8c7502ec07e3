import t, { type Test } from 'tap'
import Fastify from 'fastify'
import { cxoneToken, eventually, http } from '../../helper.js'
import { startRig } from '../harness/rig.js'

/** A server no request should ever reach: it counts every hit. */
async function trap (t: Test): Promise<{ url: string, hits: () => number }> {
  const app = Fastify()
  let hits = 0
  app.all('/*', async () => { hits++; return { trapped: true } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  return { url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, hits: () => hits }
}

t.test('F-15/S-20: redirects from a platform or from CXone are failures, never followed', async t => {
  const rig = await startRig(t, { cxone: { retries: 3 } })
  const target = await trap(t)
  // CXone answers 307 to another host for one message
  rig.cxone.script('redir-1', [{ status: 307, location: `${target.url}/dfo/3.0/channels/chat_recorder/messages` }])
  await rig.send('impala', 'redir-1')
  await eventually(async () => (await rig.hub.store.getMessage('recorder', 'redir-1'))?.status === 'sent' || (await rig.hub.store.listJobs({ state: 'dead' })).length > 0, 15_000, 'resolved')
  t.same(rig.cxone.creates().filter(c => c.key === 'redir-1').map(c => c.status), [307], 'the redirect is an answer, not a hop')
  const dead = (await rig.hub.store.listJobs({ state: 'dead' }))[0]
  t.match(dead?.lastError, /307/, 'an unexpected redirect from CXone is a failure, kept as a dead letter with its reason')
  t.ok(await rig.hub.store.replayJob(dead!.jobId))
  rig.hub.hub.worker.kick()
  await eventually(async () => (await rig.hub.store.getMessage('recorder', 'redir-1'))?.status === 'sent', 15_000, 'replayed')
  t.same(rig.cxone.creates().filter(c => c.key === 'redir-1').map(c => c.status), [307, 200], 'replayed under the same key, delivered once')
  // the platform answers 308 to an agent reply once, then takes it: with `retries: 3` a redirect left on while the
  // test looks could spend every attempt, so the platform itself stops after one answer
  rig.platform.redirectTo(`${target.url}/messages`, 1)
  const auth = { authorization: `Bearer ${await cxoneToken(rig.hub)}` }
  const threadId = rig.accepted[0]!.threadId
  const reply = await http('POST', `${rig.hub.box}/1.0/posts/${threadId}/messages`, { messageContent: { type: 'TEXT', payload: { text: 'follow me?' } } }, auth)
  t.equal(reply.status, 200)
  await eventually(() => rig.platform.deliveries.length === 1, 15_000, 'delivered on the attempt after the redirect')
  t.equal(rig.platform.redirected, 1, 'the platform answered one 308')
  const job = (await rig.hub.store.listJobs({ kind: 'platform.deliver' }))[0]!
  t.match(job.lastError, /308/, 'the 308 is recorded as a failure, and the job retried')
  t.equal(target.hits(), 0)
})

t.test('S-19: no outbound request goes to a URL taken from a message or a browser', async t => {
  // with an Integration ID, so the Add action goes as far as verifying the one-time token
  const rig = await startRig(t, { cxone: { channelIntegrationId: 'integration-1' } })
  const target = await trap(t)
  await rig.send('kudu', 'ssrf-seed')
  const threadId = rig.accepted[0]!.threadId
  const auth = { authorization: `Bearer ${await cxoneToken(rig.hub)}` }
  // agent attachments not on CXone's own origin are links handed to the platform, not fetched by the hub
  const res = await http('POST', `${rig.hub.box}/2.0/channel/chat_recorder/outbound`, {
    thread: { idOnExternalPlatform: threadId }, messageContent: { type: 'TEXT', payload: { text: 'see file' } },
    attachments: [{ friendlyName: 'meta.json', url: 'http://169.254.169.254/latest/meta-data/' }, { friendlyName: 'local', url: `${target.url}/secret` }]
  }, auth)
  t.equal(res.status, 200)
  await eventually(() => rig.platform.deliveries.length === 1, 10_000, 'agent message delivered')
  t.match(rig.platform.deliveries[0]!.text, `${target.url}/secret`, 'the URL is passed through to the platform as a link')
  // the Add action's apiHost comes from the browser: the hub verifies the one-time token with the configured CXone only
  const before = rig.cxone.calls.length
  const page = await http('GET', `${rig.hub.box}/actions/add?userId=1&brandId=1&token=bogus&apiHost=${encodeURIComponent(target.url)}&backUrl=${encodeURIComponent(`${target.url}/back`)}`)
  t.ok(page.status < 500, `action page answered ${page.status}`)
  t.ok(rig.cxone.calls.slice(before).some(c => c.path.endsWith('/one-time-token/verification')), 'verified with the configured CXone')
  // the redirect to backUrl is the admin's browser going back, not a request by the hub
  t.equal(target.hits(), 0, 'attachment, metadata and apiHost URLs never fetched by the hub')
  t.comment('S-19: the hub fetches no message- or browser-supplied URL beyond CXone\'s own file links (core/attachments/cxone-origin.ts); outbound hosts come from config only')
})
