import t from 'tap'
import { eventually } from '../../helper.js'
import { startRig } from '../harness/rig.js'
import { checkInvariants, figure } from '../harness/invariants.js'

t.test('F-8: CXone answers 500 three times then 200: one copy each, 4 attempts under one key', async t => {
  const rig = await startRig(t)
  // three messages: with ten, 30 scripted 500s in a few seconds look like an outage and (rightly) open the circuit
  // breaker, whose probes then meet more scripted 500s; F-12 covers that path
  const ids = Array.from({ length: 3 }, (_, i) => `f8-${i}`)
  for (const id of ids) rig.cxone.script(id, [500, 500, 500])
  for (const [i, id] of ids.entries()) t.equal((await rig.send(`gnu-${i % 3}`, id)).status, 202)
  await eventually(async () => (await rig.hub.store.outboxStats()).pending === 0, 20_000, 'outbox drained')
  const report = await checkInvariants({ accepted: rig.accepted, creates: rig.cxone.creates(), store: rig.hub.store })
  t.same(report.breaches, [])
  for (const id of ids) {
    const attempts = rig.cxone.creates().filter(c => c.key === id)
    t.same(attempts.map(a => a.status), [500, 500, 500, 200], `${id}: 4 attempts, one success, same key`)
  }
  t.equal(report.duplicates, 0)
  t.comment(figure('F-8', { sent: ids.length, lost: report.lost.length, duplicated: report.duplicates, faults: ids.length * 3 }))
})

t.test('F-9: a retrying message holds back only its own conversation', async t => {
  const rig = await startRig(t)
  // x-3 held back about 6 s (two Retry-After: 3): time for all of Y to go first on a loaded machine (about 2 s was not)
  rig.cxone.script('x-3', [{ status: 503, retryAfter: '3' }, { status: 503, retryAfter: '3' }])
  for (let i = 1; i <= 6; i++) await rig.send('conv-x', `x-${i}`)
  for (let i = 1; i <= 6; i++) await rig.send('conv-y', `y-${i}`)
  await eventually(async () => (await rig.hub.store.outboxStats()).pending === 0, 20_000, 'outbox drained')
  const report = await checkInvariants({ accepted: rig.accepted, creates: rig.cxone.creates(), store: rig.hub.store })
  t.same(report.breaches, [])
  const firstOk = (key: string) => rig.cxone.creates().find(c => c.key === key && c.status < 300)!.at
  const xOrder = rig.cxone.creates().filter(c => c.key!.startsWith('x-') && c.status < 300).map(c => c.key)
  t.same(xOrder, ['x-1', 'x-2', 'x-3', 'x-4', 'x-5', 'x-6'], 'X reads 1..6: 4+ waited for 3')
  const x3Failures = rig.cxone.creates().filter(c => c.key === 'x-3' && c.status >= 500)
  t.equal(x3Failures.length, 2)
  t.ok(firstOk('y-6') < firstOk('x-3'), `Y finished ${firstOk('x-3') - firstOk('y-6')} ms before X's retried message: Y never waits on X`)
  t.comment(figure('F-9', { sent: 12, lost: report.lost.length, duplicated: report.duplicates, faults: 2 }))
})
