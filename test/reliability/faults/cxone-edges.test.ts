import t from 'tap'
import { eventually, http } from '../../helper.js'
import { startRig } from '../harness/rig.js'
import { checkInvariants, figure } from '../harness/invariants.js'

t.test('F-11: CXone hangs (before or after storing): the call times out, is retried, and any repeat carries the same key', async t => {
  const rig = await startRig(t, { cxone: { timeout: '500ms' } })
  // hangs before answering anything: the TCP proxy holds every byte
  rig.proxy.set({ pause: true })
  await rig.send('aardvark', 'f11-paused')
  await eventually(async () => (await rig.hub.store.listJobs({ kind: 'dfo.createMessage' })).find(j => /TIMEOUT/.test(j.lastError ?? '')), 10_000, 'a timed-out attempt')
  rig.proxy.set({})
  // stores, then answers late: the hub gives up on the first call and repeats it
  rig.cxone.hangAfterStore('f11-stored', 1500)
  await rig.send('aardvark', 'f11-stored')
  await eventually(async () => (await rig.hub.store.outboxStats()).pending === 0, 20_000, 'drained')
  const stored = await eventually(() => { const s = rig.cxone.creates().filter(c => c.key === 'f11-stored'); return s.length >= 2 && s }, 10_000, 'the late answer recorded too')
  t.ok(stored.length >= 2, `CXone saw ${stored.length} calls for the message it stored before answering`)
  t.ok(stored.every(c => c.key === 'f11-stored'), 'all under the same idOnExternalPlatform: dedupable downstream')
  const report = await checkInvariants({ accepted: rig.accepted, creates: rig.cxone.creates(), store: rig.hub.store })
  t.same(report.breaches, [])
  t.comment(figure('F-11', { sent: 2, lost: report.lost.length, duplicated: report.duplicates, sameKey: true, faults: 'pause + hang-after-store' }))
})

t.test('F-14: 400/404/422 are dead letters after one attempt, 5xx after max attempts; redrive delivers once under the same key', async t => {
  const rig = await startRig(t, { cxone: { retries: 3 } })
  rig.cxone.script('f14-400', [400]); rig.cxone.script('f14-404', [404]); rig.cxone.script('f14-422', [422])
  rig.cxone.script('f14-500', [500, 500, 500])
  for (const id of ['f14-400', 'f14-404', 'f14-422', 'f14-500']) await rig.send(`ibex-${id}`, id)
  await eventually(async () => (await rig.hub.store.listJobs({ state: 'dead' })).length === 4, 20_000, 'four dead letters')
  for (const s of ['400', '404', '422']) t.equal(rig.cxone.creates().filter(c => c.key === `f14-${s}`).length, 1, `${s}: exactly one attempt`)
  t.equal(rig.cxone.creates().filter(c => c.key === 'f14-500').length, 3, '500: max attempts (3)')
  const dead = await rig.hub.store.listJobs({ state: 'dead' })
  t.ok(dead.every(j => j.lastError && j.lastError.length > 0), 'each with its reason')
  for (const j of dead) t.ok(await rig.hub.store.replayJob(j.jobId))
  rig.hub.hub.worker.kick()
  await eventually(async () => (await rig.hub.store.outboxStats()).pending === 0, 20_000, 'redriven')
  const report = await checkInvariants({ accepted: rig.accepted, creates: rig.cxone.creates(), store: rig.hub.store })
  t.same(report.breaches, [], 'all four delivered after the redrive, nothing dead, nothing pending')
  t.equal(report.duplicates, 0, 'once each')
  t.comment(figure('F-14', { sent: 4, dead: 4, redriven: 4, lost: report.lost.length, duplicated: report.duplicates }))
})

t.test('F-16: the same webhook posted twice at once, 100 times: 100 messages at CXone, both callers 2xx', async t => {
  const rig = await startRig(t)
  const statuses: number[] = []
  await Promise.all(Array.from({ length: 100 }, async (_, i) => {
    const body = { customerId: `twin-${i % 10}`, messageId: `f16-${i}`, text: `twin ${i}` }
    const [a, b] = await Promise.all([0, 1].map(() => http('POST', `${rig.hub.url}/channels/recorder/inbound`, body)))
    statuses.push(a!.status, b!.status)
    if (a!.status === 202) rig.accepted.push({ messageId: body.messageId, threadId: a!.body.messages[0].threadId, text: body.text })
  }))
  t.ok(statuses.every(s => s === 202), `both callers got 202 every time (${statuses.filter(s => s !== 202).length} not)`)
  await eventually(async () => (await rig.hub.store.outboxStats()).pending === 0, 20_000, 'drained')
  const report = await checkInvariants({ accepted: rig.accepted, creates: rig.cxone.creates(), store: rig.hub.store })
  t.same(report.breaches, [])
  t.equal(new Set(rig.cxone.creates().filter(c => c.status < 300).map(c => c.key)).size, 100, '100 distinct messages at CXone')
  t.equal(report.duplicates, 0, 'none twice')
  t.comment(figure('F-16', { posts: 200, messages: 100, delivered: report.delivered, duplicated: report.duplicates }))
})
