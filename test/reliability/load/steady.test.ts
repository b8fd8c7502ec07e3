import t from 'tap'
import { request } from 'undici'
import { CLIENT, eventually, http } from '../../helper.js'
import { startProcessRig } from '../harness/process-rig.js'
import { checkInvariants, figure } from '../harness/invariants.js'
import { LONG, latencyBound, percentile as pct } from '../harness/latency-bound.js'

/** Open-loop pacing: `rate` calls a second for `seconds`, each started on schedule whatever the last one did. */
async function paced (rate: number, seconds: number, call: (i: number) => Promise<void>): Promise<void> {
  const started = performance.now()
  const running: Array<Promise<void>> = []
  for (let i = 0; i < rate * seconds; i++) {
    const due = started + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 1) await new Promise(r => setTimeout(r, wait))
    running.push(call(i))
  }
  await Promise.all(running)
}

t.test('L-1 (quick): steady inbound load into a hub process: fast 2xx, nothing lost or doubled, order kept', async t => {
  const rig = await startProcessRig(t, { server: { rateLimit: { max: 1_000_000 } }, delivery: { concurrency: 32 } })
  await http('PUT', `${rig.cxone.url}/_faults`, { latencyMs: 20 })
  const rate = LONG ? 300 : 100
  const seconds = LONG ? 60 : 8
  const conversations = LONG ? 500 : 100
  const latencies: number[] = []
  const bad: number[] = []
  const url = `${rig.hub().url}/channels/recorder/inbound`
  // per conversation, the next message is sent only after the previous one was answered: order is defined
  const lanes = new Map<number, Promise<void>>()
  await paced(rate, seconds, async (i) => {
    const conv = i % conversations
    const prev = lanes.get(conv) ?? Promise.resolve()
    const mine = prev.then(async () => {
      const id = `l1-${String(i).padStart(6, '0')}`
      const t0 = performance.now()
      const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId: `herd-${conv}`, messageId: id, text: id }) })
      const body = await res.body.json() as { messages: Array<{ threadId: string }> }
      latencies.push(performance.now() - t0)
      if (res.statusCode !== 202) { bad.push(res.statusCode); return }
      rig.accepted.push({ messageId: id, threadId: body.messages[0]!.threadId, text: id })
    })
    lanes.set(conv, mine)
    await mine
  })
  await eventually(async () => (await rig.store.outboxStats()).pending === 0, 120_000, 'drained')
  const report = await checkInvariants({ accepted: rig.accepted, creates: rig.cxone.creates(), store: rig.store })
  t.same(bad, [], '0 non-2xx')
  t.same(report.breaches, [])
  t.equal(report.duplicates, 0, '0 duplicates at the CXone mock')
  const p99 = pct(latencies, 0.99)
  latencyBound(t, p99 <= 250, `ingress p99 ${p99.toFixed(1)} ms (<= 250)`)
  t.comment(figure('L-1', { rate, seconds, sent: latencies.length, lost: report.lost.length, duplicated: report.duplicates, p50Ms: pct(latencies, 0.5).toFixed(1), p99Ms: p99.toFixed(1), p999Ms: pct(latencies, 0.999).toFixed(1) }))
})

t.test('L-2/L-4 (quick): agent replies answer fast even when the platform is slow; JWT-authenticated calls stay fast', async t => {
  const rig = await startProcessRig(t, { server: { rateLimit: { max: 1_000_000 } }, delivery: { concurrency: 64, lease: '10s' } }) // the lease outlasts the slow platform's 2 s
  const box = `${rig.hub().url}/integration/box`
  const tokenStarted = performance.now()
  const tokenRes = await http('POST', `${box}/1.0/token`, { grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret })
  const tokenMs = performance.now() - tokenStarted
  const auth = `Bearer ${tokenRes.body.access_token}`
  const threads: string[] = []
  for (let i = 0; i < 20; i++) threads.push((await rig.send(`okapi-${i}`, `l2-seed-${i}`)).body.messages[0].threadId)
  const ids = new Set<string>()
  const run = async (label: string, rate: number, seconds: number) => {
    const lat: number[] = []
    await paced(rate, seconds, async (i) => {
      const t0 = performance.now()
      const res = await request(`${box}/1.0/posts/${threads[i % threads.length]}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify({ messageContent: { type: 'TEXT', payload: { text: `${label} ${i}` } } }) })
      const body = await res.body.json() as { idOnExternalPlatform: string }
      lat.push(performance.now() - t0)
      if (res.statusCode === 200) ids.add(body.idOnExternalPlatform)
      else t.fail(`${label} reply ${i}: ${res.statusCode}`)
    })
    return lat
  }
  const fast = await run('fast platform', LONG ? 200 : 100, LONG ? 60 : 5)
  rig.platform.setLatency(2000)
  const slow = await run('slow platform', LONG ? 200 : 100, LONG ? 60 : 5)
  latencyBound(t, pct(fast, 0.99) <= 250, `reply p99 ${pct(fast, 0.99).toFixed(1)} ms with a 0 ms platform`)
  latencyBound(t, pct(slow, 0.99) <= 250, `reply p99 ${pct(slow, 0.99).toFixed(1)} ms with a 2 s platform: the platform call is not in the answer`)
  rig.platform.setLatency(0)
  await eventually(() => new Set(rig.platform.deliveries.map(d => d.id)).size >= ids.size, 120_000, 'every reply delivered')
  const delivered = rig.platform.deliveries.map(d => d.id)
  t.equal(delivered.length, new Set(delivered).size, 'each reply reached the platform once')
  t.ok([...ids].every(id => delivered.includes(id)), 'the ids the hub answered with are the ids the platform got')
  t.comment(figure('L-2/L-4', { replies: fast.length + slow.length, delivered: delivered.length, duplicated: delivered.length - new Set(delivered).size, fastP99Ms: pct(fast, 0.99).toFixed(1), slowP99Ms: pct(slow, 0.99).toFixed(1), tokenMs: tokenMs.toFixed(1) }))
})
