import t from 'tap'
import { eventually, http } from '../../helper.js'
import { startRig } from '../harness/rig.js'

const busy = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end); }

t.test('L-3: a saturated event loop answers fast 503 + Retry-After (health excepted), then recovers', async t => {
  const rig = await startRig(t)
  t.equal((await rig.send('gazelle', 'l3-before')).status, 202)
  // CPU saturation: the loop runs ~300 ms late, over and over, as under a flood the hub cannot keep up with
  const hog = setInterval(() => busy(400), 10)
  t.teardown(() => clearInterval(hog))
  const refused = await eventually(async () => {
    const res = await rig.send('gazelle', `l3-probe-${Date.now()}`)
    return res.status === 503 ? res : undefined
  }, 10_000, 'the guard to trip')
  t.equal(refused.body.error.code, 'BYOC_ERR_OVERLOADED')
  const during = await http('POST', `${rig.hub.url}/channels/recorder/inbound`, { customerId: 'gazelle', messageId: 'l3-during', text: 'x' })
  t.equal(during.status, 503)
  t.equal(during.headers['retry-after'], '1', 'Retry-After tells the sender when to come back')
  t.equal((await http('GET', `${rig.hub.url}/health/live`)).status, 200, 'liveness still answers (a restart would not help)')
  clearInterval(hog)
  await eventually(async () => (await rig.send('gazelle', `l3-after-${Date.now()}`)).status === 202, 10_000, 'accepting again')
  await eventually(async () => (await rig.hub.store.outboxStats()).pending === 0, 15_000, 'drained')
  t.notOk(await rig.hub.store.getMessage('recorder', 'l3-during'), 'a refused message was not half-accepted')
})
