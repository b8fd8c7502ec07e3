import t from 'tap'
import { eventually, http } from '../helper.js'
import { setFaults } from '../sandbox-view.js'
import { freePort, spawnHub, writeHubConfig, type HubProcess } from '../process/spawn-hub.js'
import { LIVENESS_MS, LONG, latencyBound } from '../reliability/harness/latency-bound.js'
import { hubConfig } from './cluster.js'
import { startClusterRig } from './cluster-rig.js'
import { postInbound, sandboxMessages, tally, type Outcome } from './traffic.js'

const LANES = LONG ? 20 : 10 // conversations, each sending its next message once the last was answered (order is defined)
const PAUSE_MS = 50 // between one lane's messages: about 100-200 messages a second in all
const BEFORE = LONG ? 600 : 200 // accepted before the third instance starts
const AFTER = LONG ? 600 : 200 // accepted after it is ready

/** Outbox jobs this instance ran to completion, from its own /metrics (per process, so the work is attributable). */
async function jobsDone (metricsUrl: string): Promise<number> {
  const text = String((await http('GET', metricsUrl)).body)
  let n = 0
  for (const m of text.matchAll(/^byoc_outbox_job_duration_seconds_count\{[^}]*outcome="done"[^}]*\} (\d+)/gm)) n += Number(m[1])
  return n
}

t.test('F-4: a third instance joins two under load: it takes work at once, order per conversation holds, no errors', async t => {
  const { dir, redisUrl, platform, sandbox, cluster: c } = await startClusterRig(t, { n: 2 })
  // CXone takes a little while per call, so the outbox always holds work a newcomer can claim
  await setFaults(sandbox.url, { latencyMs: 30 })

  const outcomes: Array<Outcome & { joined: boolean }> = []
  const refusals: string[] = []
  let stop = false
  let joined = false
  let newcomerUrl: string | undefined
  let firstWebhookAt: number | undefined
  const acceptedAfterJoin = (): number => outcomes.filter(o => o.accepted && o.joined).length
  const lanes = Array.from({ length: LANES }, async (_, lane) => {
    for (let n = 0; !stop; n++) {
      const after = joined
      // a 503 (pressure guard on a shared machine) is posted again under the same id, as a platform does; anything
      // else that is not a 202 is an error
      let answeredBy = ''
      const o = await postInbound(() => (answeredBy = c.next().url), { channel: 'recorder', customerId: `gnu-${lane}`, messageId: `f4-${lane}-${String(n).padStart(5, '0')}`, text: `lane ${lane} message ${n}` }, { tries: 30, timeoutMs: LIVENESS_MS })
      outcomes.push(Object.assign(o, { joined: after }))
      // seen by the client, as a load balancer would: the first 202 from the newcomer
      if (o.accepted && newcomerUrl === answeredBy) firstWebhookAt ??= Date.now()
      if (!o.accepted) refusals.push(o.messageId)
      await new Promise(resolve => setTimeout(resolve, PAUSE_MS))
    }
  })
  await eventually(() => outcomes.filter(o => o.accepted).length >= BEFORE, 120_000, 'traffic on two instances')

  // the third instance: same Redis, same prefix, its own port and metrics port
  const port = await freePort()
  const metricsPort = await freePort()
  const startedAt = Date.now()
  const third: HubProcess = await spawnHub(writeHubConfig(dir, 'hub-joiner', { ...hubConfig(port, c.prefix, { redisUrl, sandboxUrl: sandbox.url, deliverUrl: platform.url }), metrics: { port: metricsPort } }), port)
  t.teardown(() => third.kill())
  await eventually(async () => (await http('GET', `${third.url}/health/ready`)).status === 200, LIVENESS_MS, 'the third instance ready')
  const readyAt = Date.now()
  // like a Kubernetes Service: the load balancer sends it a third of the requests once it is ready
  c.hubs.push(third)
  newcomerUrl = third.url
  joined = true
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`
  // "takes work", both ways: answers webhooks (timed by the clients above), and claims and completes outbox jobs (any
  // instance's: one shared outbox), read from its /metrics every 100 ms or so, so that figure is an upper bound
  await eventually(async () => {
    await new Promise(resolve => setTimeout(resolve, 75))
    return await jobsDone(metricsUrl) > 0
  }, LIVENESS_MS, 'the third instance completed an outbox job')
  const firstJobMs = Date.now() - readyAt
  await eventually(() => firstWebhookAt !== undefined, LIVENESS_MS, 'the third instance accepted a webhook')
  const firstWebhookMs = firstWebhookAt! - readyAt
  await eventually(() => acceptedAfterJoin() >= AFTER, 120_000, 'traffic on three instances')
  stop = true
  await Promise.all(lanes)

  const accepted = outcomes.filter(o => o.accepted)
  await eventually(async () => (await c.store.outboxStats()).pending === 0, 120_000, 'outbox drained')
  const thirdJobs = await jobsDone(metricsUrl)
  const servedByThird = await webhooksAccepted(metricsUrl)

  t.same(refusals, [], 'every message accepted (no error the platform could not retry past)')
  t.ok(thirdJobs > 0, `the newcomer claimed and completed outbox jobs (${thirdJobs})`)
  t.ok(servedByThird > 0, `the newcomer answered webhooks (${servedByThird})`)
  const held = await eventually(async () => {
    const all = (await sandboxMessages(sandbox.url, 'chat_recorder')).filter(m => m.direction === 'inbound')
    const ids = new Set(all.map(m => m.id))
    return accepted.every(o => ids.has(o.messageId)) && all
  }, 60_000, 'every accepted message in the sandbox')
  t.ok([...tally(held, m => m.id).values()].every(n => n === 1), 'none twice in a CXone thread (exactly once as CXone sees it)')
  // per conversation, CXone's thread holds the messages in the order the lane sent them (each after the last was acked)
  const outOfOrder: string[] = []
  for (let lane = 0; lane < LANES; lane++) {
    const sent = accepted.filter(o => o.customerId === `gnu-${lane}`).map(o => o.messageId)
    const seen = held.filter(m => sent.includes(m.id)).map(m => m.id)
    if (seen.join() !== sent.join()) outOfOrder.push(`gnu-${lane}`)
  }
  t.same(outOfOrder, [], 'order per conversation kept at CXone')
  const retried = outcomes.filter(o => o.attempts > 1).length
  latencyBound(t, firstWebhookMs <= 2000, `the newcomer accepted its first webhook ${firstWebhookMs} ms after ready (<= 2 s)`)
  latencyBound(t, firstJobMs <= 2000, `the newcomer completed its first outbox job ${firstJobMs} ms after ready (<= 2 s)`)
  if (LONG) t.equal(retried, 0, 'alone on the machine: no 503 to retry past')
  t.comment(`F-4: lanes=${LANES} accepted=${accepted.length} (before join ${BEFORE}+, after ${acceptedAfterJoin()}) retriedAfter503=${retried} ` +
    `spawnToReadyMs=${readyAt - startedAt} firstWebhookAfterReadyMs=${firstWebhookMs} firstJobAfterReadyMs=${firstJobMs} newcomerJobs=${thirdJobs} newcomerRequests=${servedByThird} ` +
    `createCalls=${sandbox.createCalls.filter(x => x.channelId === 'chat_recorder').length} distinct=${new Set(held.map(m => m.id)).size}`)
})

/** Webhooks the instance answered 202, from its own /metrics. */
async function webhooksAccepted (metricsUrl: string): Promise<number> {
  const text = String((await http('GET', metricsUrl)).body)
  let n = 0
  for (const m of text.matchAll(/^byoc_http_request_duration_seconds_count\{([^}]*)\} (\d+)/gm)) if (m[1]!.includes('route="/channels/recorder/inbound"') && m[1]!.includes('status_code="202"')) n += Number(m[2])
  return n
}
