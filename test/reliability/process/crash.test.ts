import t from 'tap'
import { eventually, http } from '../../helper.js'
import { startProcessRig } from '../harness/process-rig.js'
import { checkInvariants, figure } from '../harness/invariants.js'
import { LIVENESS_MS, latencyBound } from '../harness/latency-bound.js'

const drained = async (rig: Awaited<ReturnType<typeof startProcessRig>>, ms = 60_000) =>
  eventually(async () => (await rig.store.outboxStats()).pending === 0, ms, 'outbox drained')

t.test('F-2: kill -9 mid-flight: 0 accepted lost, repeats only under their key, order per conversation holds', async t => {
  const rig = await startProcessRig(t, { delivery: { concurrency: 16 } })
  await http('PUT', `${rig.cxone.url}/_faults`, { latencyMs: 300 }) // CXone is slow, so calls are in flight
  const N = 300
  await Promise.all(Array.from({ length: 10 }, async (_, lane) => {
    for (let i = lane; i < N; i += 10) t.equal((await rig.send(`conv-${i % 30}`, `f2-${String(i).padStart(3, '0')}`)).status, 202)
  }))
  await eventually(() => rig.cxone.creates().filter(c => c.status < 300).length >= N * 0.4, 60_000, '40 % delivered')
  const inFlightAtKill = rig.cxone.creates().length
  await rig.hub().kill('SIGKILL')
  const deliveredAtKill = new Set(rig.cxone.creates().filter(c => c.status < 300).map(c => c.key)).size
  await http('PUT', `${rig.cxone.url}/_faults`, {})
  await rig.restart()
  await drained(rig)
  const report = await checkInvariants({ accepted: rig.accepted, creates: rig.cxone.creates(), store: rig.store })
  t.same(report.breaches, [], 'no loss, no re-keyed repeat, order per conversation, nothing left')
  t.ok(report.duplicates <= 16, `${report.duplicates} duplicate(s) <= jobs in flight at the kill (concurrency 16), each under its own key`)
  t.comment(figure('F-2', { sent: N, accepted: rig.accepted.length, deliveredBeforeKill: deliveredAtKill, callsBeforeKill: inFlightAtKill, lost: report.lost.length, duplicated: report.duplicates, faults: 'kill -9 x1' }))
})

t.test('T-3: idle timers survive kill -9: every conversation ends exactly once after the restart', async t => {
  // any-message: each customer's message starts its clock before the kill (attentive, the default, would wait for the
  // agent to speak; the recorder platform reports no presence)
  // a 6 s clock: 40 sends and their relay fit well inside it on a loaded machine (2 s did not always)
  const TIMEOUT_MS = 6000
  const rig = await startProcessRig(t, { rules: { idle: { mode: 'any-message', timeout: `${TIMEOUT_MS}ms`, countdown: '400ms' } } })
  const threads: string[] = []
  for (let i = 0; i < 40; i++) threads.push((await rig.send(`lemur-${i}`, `t3-${i}`)).body.messages[0].threadId)
  const lastSentAt = Date.now()
  await eventually(() => rig.cxone.creates().filter(c => c.status < 300).length >= 40, 20_000, 'all relayed')
  // the scenario needs the kill before the timers are due; a machine too slow for that fails here, not silently
  t.notOk(rig.platform.signals.some(s => s.type === 'idle-warning'), 'no idle warning before the kill')
  await rig.hub().kill('SIGKILL')
  const killedAt = Date.now()
  // the timers (the last one TIMEOUT_MS after the last send) fall due while no instance runs
  await new Promise(r => setTimeout(r, Math.max(0, lastSentAt + TIMEOUT_MS + 1000 - Date.now())))
  await rig.restart()
  const closes = () => rig.cxone.calls.filter(c => c.method === 'PUT' && /\/threads\/[^/]+$/.test(c.path) && c.status < 300)
  await eventually(() => closes().length >= 40, 30_000, 'every conversation ended')
  await drained(rig)
  await new Promise(r => setTimeout(r, 1000))
  const report = await checkInvariants({ accepted: rig.accepted, creates: rig.cxone.creates(), store: rig.store, endedThreads: threads, closes: closes() })
  t.same(report.breaches, [], 'one end per conversation, none lost')
  t.comment(figure('T-3', { conversations: 40, ends: closes().length, endedWithinMsOfKill: Math.max(...closes().map(c => c.at)) - killedAt, lost: report.lost.length }))
})

t.test('F-1: SIGTERM under load drains: exit 0 within the grace, no accepted message lost', async t => {
  const rig = await startProcessRig(t)
  await http('PUT', `${rig.cxone.url}/_faults`, { latencyMs: 200 })
  let stop = false
  const statuses = new Map<string, number>()
  const load = (async () => {
    for (let i = 0; !stop; i++) {
      try {
        const res = await rig.send(`drain-${i % 10}`, `f1-${i}`)
        statuses.set(String(res.status), (statuses.get(String(res.status)) ?? 0) + 1)
      } catch (err) {
        statuses.set((err as { code?: string }).code ?? 'error', (statuses.get((err as { code?: string }).code ?? 'error') ?? 0) + 1)
        await new Promise(r => setTimeout(r, 20))
      }
    }
  })()
  await eventually(() => rig.accepted.length >= 50, 20_000, 'load running')
  const child = rig.hub().child
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  const termAt = Date.now()
  child.kill('SIGTERM')
  const code = await exited
  const drainMs = Date.now() - termAt
  stop = true
  await load
  t.equal(code, 0, 'exit code 0')
  // the hub's own 5 s grace ends the drain; the 10 s target is judged in the long run, a hang anywhere
  t.ok(drainMs < LIVENESS_MS, `exited ${drainMs} ms after SIGTERM: the drain ends`)
  latencyBound(t, drainMs <= 10_000, `drained in ${drainMs} ms (<= 10 s)`)
  t.notOk([...statuses.keys()].some(s => s.startsWith('5') && s !== '503'), `only 2xx, 503 or refused connections: ${[...statuses].map(([s, n]) => `${s}x${n}`).join(' ')}`)
  // what is left is delivered at CXone's pace: 10 conversations in order at 200 ms a call is 50 a second, and a quiet
  // machine accepts thousands before the drain (4 004 in one long run): 80 s, over the minute. The point here is
  // the drain, so CXone is fast again for the rest
  await http('PUT', `${rig.cxone.url}/_faults`, {})
  await rig.restart()
  await drained(rig)
  const report = await checkInvariants({ accepted: rig.accepted, creates: rig.cxone.creates(), store: rig.store })
  t.same(report.breaches, [])
  t.comment(figure('F-1', { sent: [...statuses.values()].reduce((a, b) => a + b, 0), accepted: rig.accepted.length, lost: report.lost.length, duplicated: report.duplicates, drainMs }))
})
