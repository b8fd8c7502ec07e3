import t from 'tap'
import { CircuitBreaker } from '../../../core/delivery/circuit-breaker.js'
import { eventually } from '../../helper.js'
import { startRig } from '../harness/rig.js'
import { checkInvariants, figure } from '../harness/invariants.js'
import { latencyBound } from '../harness/latency-bound.js'

t.test('F-12 (injected clock): trips at the failure ratio, one probe per cool-down, cool-down doubles, closes on success', async t => {
  let now = 0
  const b = new CircuitBreaker({ windowMs: 10_000, minCalls: 10, failureRatio: 0.5, openMs: 1000, maxOpenMs: 4000, now: () => now })
  for (let i = 0; i < 9; i++) { t.ok(b.allow()); b.record(false); now += 10 }
  t.equal(b.state, 'closed', 'fewer than minCalls never trips')
  t.ok(b.allow()); b.record(false)
  t.equal(b.state, 'open', 'tripped at 10 calls, 100 % failed')
  t.notOk(b.allow(), 'open: refused')
  now += 999
  t.notOk(b.allow(), 'still cooling down')
  now += 1
  t.equal(b.retryAt(), 1090, 'open: deferred calls come back at the end of the cool-down')
  t.ok(b.allow(), 'half-open: one probe')
  t.notOk(b.allow(), 'only one probe at a time')
  now += 300
  t.equal(b.retryAt(), now + 1000, 'while the probe is out, deferred calls wait a base cool-down, not the past end of the cool-down')
  now -= 300
  b.record(false)
  t.equal(b.state, 'open')
  now += 1000
  t.notOk(b.allow(), 'a failed probe doubles the cool-down')
  now += 1000
  t.ok(b.allow())
  b.record(false)
  now += 4000
  t.ok(b.allow(), 'cool-down capped at maxOpenMs')
  b.record(true)
  t.equal(b.state, 'closed', 'a good probe closes it')
  t.equal(b.probes, 3)
  // old failures fall out of the window
  const w = new CircuitBreaker({ windowMs: 1000, minCalls: 4, failureRatio: 0.5, openMs: 1000, maxOpenMs: 1000, now: () => now })
  for (let i = 0; i < 3; i++) { w.record(false); now += 600 }
  w.record(true); w.record(true)
  t.equal(w.state, 'closed', 'failures older than the window do not count')
})

t.test('F-12: CXone resets every connection: the breaker opens, ingress keeps accepting, probes only, then 0 lost', async t => {
  const rig = await startRig(t, { cxone: { timeout: '1s' } })
  const worker = rig.hub.hub.worker
  rig.proxy.set({ reset: true })
  for (let i = 0; i < 30; i++) t.equal((await rig.send(`kudu-${i % 6}`, `f12-${i}`)).status, 202, 'accepted while CXone is down')
  await eventually(() => worker.breaker('cxone:default').state !== 'closed', 15_000, 'breaker open')
  const openedAt = Date.now()
  const connectionsAtOpen = rig.proxy.connections
  await new Promise(resolve => setTimeout(resolve, 5000)) // what the outage costs CXone while the breaker holds
  const during = rig.proxy.connections - connectionsAtOpen
  const cooldowns = (Date.now() - openedAt) / 2000
  // each probe may open a connection and, with undici's keep-alive gone, a token fetch does not go through the proxy
  t.ok(during <= Math.ceil(cooldowns) + 2, `${during} connection(s) in ${Date.now() - openedAt} ms while open (<= 1 probe per cool-down)`)
  t.ok(worker.stats.deferredByBreaker > 0, `${worker.stats.deferredByBreaker} job runs deferred, not attempted`)
  rig.proxy.set({})
  await eventually(async () => (await rig.hub.store.outboxStats()).pending === 0, 60_000, 'backlog drained after recovery')
  t.equal(worker.breaker('cxone:default').state, 'closed', 'closed again')
  const report = await checkInvariants({ accepted: rig.accepted, creates: rig.cxone.creates(), store: rig.hub.store })
  t.same(report.breaches, [])
  t.comment(figure('F-12', { sent: 30, lost: report.lost.length, duplicated: report.duplicates, connectionsWhileOpen: during, deferred: worker.stats.deferredByBreaker, opens: worker.breaker('cxone:default').opens }))
})

t.test('F-10: 429 with Retry-After is waited out and not counted toward max attempts', async t => {
  const rig = await startRig(t, { cxone: { retries: 2 } })
  rig.cxone.script('f10', [{ status: 429, retryAfter: '1' }, { status: 429, retryAfter: '1' }, { status: 429, retryAfter: '1' }])
  await rig.send('eland', 'f10')
  await eventually(async () => (await rig.hub.store.getMessage('recorder', 'f10'))?.status === 'sent', 15_000, 'sent after three 429s')
  const tries = rig.cxone.creates().filter(c => c.key === 'f10')
  t.same(tries.map(c => c.status), [429, 429, 429, 200], 'three 429s did not exhaust retries: 2')
  for (let i = 1; i < tries.length; i++) t.ok(tries[i]!.at - tries[i - 1]!.at >= 950, `attempt ${i + 1} waited ${tries[i]!.at - tries[i - 1]!.at} ms (Retry-After 1 s)`)
  t.equal((await rig.hub.store.listJobs({ state: 'dead' })).length, 0)
  t.comment(figure('F-10', { sent: 1, lost: 0, duplicated: 0, faults: 3 }))
})

t.test('F-13: CXone answers 503 to everything: retries in flight stay within the budget', async t => {
  const rig = await startRig(t, { cxone: { retries: 20 } })
  const worker = rig.hub.hub.worker
  rig.cxone.failAll(503)
  const started = Date.now()
  const latencies: number[] = []
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now()
    t.equal((await rig.send(`oryx-${i}`, `f13-${i}`)).status, 202)
    latencies.push(performance.now() - t0)
  }
  await new Promise(resolve => setTimeout(resolve, Math.max(0, 3000 - (Date.now() - started))))
  const budget = Math.max(3, Math.floor(0.2 * (rig.hub.config.delivery.concurrency + 1)))
  t.ok(worker.stats.maxRetriesInFlight <= budget, `at most ${worker.stats.maxRetriesInFlight} retries in flight while down (budget max(3, 20 % of ${rig.hub.config.delivery.concurrency}) = ${budget})`)
  latencies.sort((a, b) => a - b)
  const p99 = latencies[Math.floor(latencies.length * 0.99)]!
  latencyBound(t, p99 <= 500, `ingress p99 ${p99.toFixed(1)} ms while CXone fails`)
  const attemptsWhileDown = rig.cxone.creates().length
  rig.cxone.failAll(undefined)
  await eventually(async () => (await rig.hub.store.outboxStats()).pending === 0, 60_000, 'drained after recovery')
  t.ok(worker.stats.maxRetriesInFlight <= budget, `and ${worker.stats.maxRetriesInFlight} while the backlog drained`)
  const report = await checkInvariants({ accepted: rig.accepted, creates: rig.cxone.creates(), store: rig.hub.store })
  t.same(report.breaches, [])
  t.comment(figure('F-13', { sent: 60, lost: report.lost.length, duplicated: report.duplicates, attemptsWhileDown, maxRetriesInFlight: worker.stats.maxRetriesInFlight, deferredByBudget: worker.stats.deferredByBudget, deferredByBreaker: worker.stats.deferredByBreaker, p99Ms: p99.toFixed(1) }))
})

t.test('CXone flapping (up 700 ms, down 700 ms, for 8 s) while messages keep coming: nothing lost, order kept', async t => {
  const rig = await startRig(t, { cxone: { timeout: '1s', retries: 20 } })
  let down = false
  let flips = 0
  const flap = setInterval(() => { down = !down; flips++; rig.proxy.set(down ? { reset: true } : {}); if (down) rig.proxy.resetAll() }, 700)
  t.teardown(() => clearInterval(flap))
  const started = Date.now()
  for (let i = 0; Date.now() - started < 8000; i++) {
    t.equal((await rig.send(`flap-${i % 8}`, `flap-${String(i).padStart(4, '0')}`)).status, 202)
    await new Promise(r => setTimeout(r, 40))
  }
  clearInterval(flap)
  rig.proxy.set({})
  await eventually(async () => (await rig.hub.store.outboxStats()).pending === 0, 90_000, 'drained after the flapping stopped')
  const report = await checkInvariants({ accepted: rig.accepted, creates: rig.cxone.creates(), store: rig.hub.store })
  t.same(report.breaches, [])
  const worker = rig.hub.hub.worker
  t.comment(figure('flapping', { sent: rig.accepted.length, lost: report.lost.length, duplicated: report.duplicates, flips, breakerOpens: worker.breaker('cxone:default').opens, deferred: worker.stats.deferredByBreaker }))
})
