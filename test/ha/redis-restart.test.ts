import t from 'tap'
import { eventually, http } from '../helper.js'
import { startClusterRig } from './cluster-rig.js'
import { checkDeliveredOnce, postInbound, tally, type Outcome } from './traffic.js'

const CUSTOMERS = 6

t.test('a Redis restart: instances go not-ready, recover, and lose nothing they accepted', async t => {
  const { redis, sandbox, cluster: c } = await startClusterRig(t, { n: 2, ownRedis: true })
  const readiness = async (): Promise<number[]> => Promise.all(c.hubs.map(async h => (await http('GET', `${h.url}/health/ready`)).status))
  t.same(await readiness(), [200, 200], 'both ready')

  // customers keep writing throughout; each message is posted once, so "accepted" means a 202 for that very post
  const outcomes: Outcome[] = []
  let phase: 'before' | 'outage' | 'after' = 'before'
  const phases: Record<string, Outcome[]> = { before: [], outage: [], after: [] }
  let stop = false
  const traffic = Array.from({ length: CUSTOMERS }, async (_, i) => {
    for (let n = 0; !stop; n++) {
      const at = phase
      const o = await postInbound(() => c.next().url, { channel: 'recorder', customerId: `steady-${i}`, messageId: `steady-${i}-${n}`, text: `message ${n} of ${i}` }, { tries: 1, timeoutMs: 4000 })
      outcomes.push(o)
      phases[at].push(o)
    }
  })
  const acceptedIn = (p: string): number => phases[p].filter(o => o.accepted).length
  await eventually(() => acceptedIn('before') >= 30, 30_000, 'traffic before the outage')

  await redis.kill()
  phase = 'outage'
  const downAt = Date.now()
  await eventually(async () => (await readiness()).every(s => s === 503), 10_000, 'both instances not ready')
  const notReadyMs = Date.now() - downAt
  const ready = await http('GET', `${c.hubs[0].url}/health/ready`)
  t.equal(ready.body.checks.store, 'not ready', 'the store check says which, not why (the reason is logged: no Redis address in a public answer)')
  t.same(await Promise.all(c.hubs.map(async h => (await http('GET', `${h.url}/health/live`)).status)), [200, 200], 'still alive: no restart wanted')
  await eventually(() => phases.outage.some(o => !o.accepted), 15_000, 'a customer message refused during the outage')

  await redis.start()
  const upAt = Date.now()
  phase = 'after'
  await eventually(async () => (await readiness()).every(s => s === 200), 30_000, 'both instances ready again')
  const recoveredMs = Date.now() - upAt
  await eventually(() => acceptedIn('after') >= 30, 30_000, 'traffic after the outage')
  stop = true
  await Promise.all(traffic)
  t.ok(c.hubs.every(h => h.child.exitCode === null), 'no instance died')

  const accepted = outcomes.filter(o => o.accepted)
  await checkDeliveredOnce(t, c.store, sandbox.url, accepted)
  const statuses = await Promise.all(accepted.map(async o => (await c.store.getMessage('recorder', o.messageId))?.status))
  t.same(tally(statuses, s => String(s)), new Map([['sent', accepted.length]]), 'every accepted message marked sent in the hub')
  t.comment(`before: ${acceptedIn('before')} accepted; outage: ${phases.outage.length} posted, ${acceptedIn('outage')} accepted; ` +
    `after: ${acceptedIn('after')} accepted; not ready ${notReadyMs} ms after the kill, ready ${recoveredMs} ms after the restart; ` +
    `${accepted.length} accepted in all, all in CXone once`)
})
