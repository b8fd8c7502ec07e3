import t from 'tap'
import { eventually } from '../helper.js'
import { setFaults, waitForSandboxMessages } from '../sandbox-view.js'
import { customerSays, startTenantsRig, type Driver } from './rig.js'

// One tenant's CXone down or hanging: the other tenant's messages still arrive, and do not wait behind it.

for (const driver of ['sqlite', 'redis'] as Driver[]) {
  t.test(`${driver}: acme's CXone down opens acme's breaker only; globex's messages all arrive`, async t => {
    const rig = await startTenantsRig(t, driver)
    const { acme, globex, hub } = rig
    // both work first: the tokens are fetched, the threads known
    await waitForSandboxMessages(acme.cxoneUrl, await customerSays(rig, acme, 'wile-0', 'before'), 1)
    await waitForSandboxMessages(globex.cxoneUrl, await customerSays(rig, globex, 'hank-0', 'before'), 1)

    await acme.stopCxone()
    // one thread each, so every message is a job of its own that fails on its own
    for (let i = 1; i <= 12; i++) await customerSays(rig, acme, `wile-${i}`, `acme ${i}`)
    const worker = hub.hub.worker
    await eventually(() => worker.breaker('cxone:acme').state !== 'closed', 20_000, 'acme\'s breaker open')
    t.equal(worker.breaker('cxone:globex').state, 'closed', 'globex\'s breaker stays closed')

    const threads: string[] = []
    for (let i = 1; i <= 10; i++) threads.push(await customerSays(rig, globex, `hank-${i}`, `globex ${i}`))
    for (const threadId of threads) await waitForSandboxMessages(globex.cxoneUrl, threadId, 1)
    t.pass('every globex message reached globex\'s CXone while acme\'s was down')
    t.equal(worker.breaker('cxone:globex').state, 'closed')
    const acmeJobs = (await hub.store.listJobs({ kind: 'dfo.createMessage' })).filter(j => (j.payload as { channelId: string }).channelId === acme.channelId && j.state !== 'done')
    t.equal(acmeJobs.length, 12, 'acme\'s messages wait in the outbox')
    t.ok(acmeJobs.every(j => j.state === 'pending'), 'pending, none a dead letter')
    t.ok(worker.stats.deferredByBreaker > 0, 'held back by acme\'s breaker, not sent')
  })

  t.test(`${driver}: acme's CXone hanging past its timeout holds at most half the worker's slots; globex's jobs complete meanwhile`, async t => {
    const rig = await startTenantsRig(t, driver, { hub: { delivery: { concurrency: 4 } } })
    const { acme, globex, hub } = rig
    await waitForSandboxMessages(acme.cxoneUrl, await customerSays(rig, acme, 'wile-0', 'before'), 1)
    await waitForSandboxMessages(globex.cxoneUrl, await customerSays(rig, globex, 'hank-0', 'before'), 1)

    // every DFO call to acme now answers after 10 s: each attempt runs into acme's 2 s timeout
    const faulted = await setFaults(acme.cxoneUrl, { latencyMs: 10_000 })
    t.equal(faulted.status, 200)
    for (let i = 1; i <= 8; i++) await customerSays(rig, acme, `wile-${i}`, `acme ${i}`)
    const threads: string[] = []
    for (let i = 1; i <= 6; i++) threads.push(await customerSays(rig, globex, `hank-${i}`, `globex ${i}`))
    for (const threadId of threads) await waitForSandboxMessages(globex.cxoneUrl, threadId, 1)
    const acmeOpen = (await hub.store.listJobs({ kind: 'dfo.createMessage' })).filter(j => (j.payload as { channelId: string }).channelId === acme.channelId && j.state !== 'done')
    t.equal(acmeOpen.length, 8, 'globex\'s messages all arrived while every acme message was still pending')
    t.ok(hub.hub.worker.stats.deferredByBulkhead > 0, 'acme\'s jobs beyond its share of slots waited queued')
    await setFaults(acme.cxoneUrl, {})
  })
}
