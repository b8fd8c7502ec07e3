import t from 'tap'
import { eventually } from '../../helper.js'
import { startRig } from '../harness/rig.js'

const LONG = process.env.RELIABILITY_LONG === '1'

t.test('T-5: production timer values on the wall clock: end at 140 s; with activity at 100 s, at 240 s', { skip: LONG ? false : 'long run (~4 min): set RELIABILITY_LONG=1 (npm run test:reliability)', timeout: 300_000 }, async t => {
  // any-message, with the production durations: the clock runs from the last message of either side (attentive, the
  // default, would wait for an agent this rig does not have; its clock is the same timer path)
  const rig = await startRig(t, { rules: { idle: { mode: 'any-message', timeout: '2m', countdown: '20s' } } })
  const t0 = Date.now()
  const quiet = (await rig.send('sloth-quiet', 't5-quiet')).body.messages[0].threadId
  const active = (await rig.send('sloth-active', 't5-active')).body.messages[0].threadId
  const endOf = (threadId: string) => rig.platform.signals.find(s => s.type === 'thread-closed' && s.threadId === threadId)
  await new Promise(r => setTimeout(r, 100_000 - (Date.now() - t0)))
  await rig.send('sloth-active', 't5-active-2') // activity at 100 s restarts its clock
  const quietEnd = await eventually(() => endOf(quiet), 60_000, 'the quiet conversation ended')
  t.ok(Math.abs(quietEnd.at - t0 - 140_000) <= 2000, `quiet: ended at ${((quietEnd.at - t0) / 1000).toFixed(1)} s (140 ± 2)`)
  const activeEnd = await eventually(() => endOf(active), 150_000, 'the active conversation ended')
  t.ok(Math.abs(activeEnd.at - t0 - 240_000) <= 2000, `active: ended at ${((activeEnd.at - t0) / 1000).toFixed(1)} s (240 ± 2)`)
  t.equal(rig.platform.signals.filter(s => s.type === 'thread-closed').length, 2, 'one end each')
})
