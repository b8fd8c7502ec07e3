import type { Test } from 'tap'
import { concurrently, fresh, sortBy, type OpenStore } from './conformance-kit.js'

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

export function rememberAndTimerCases (t: Test, open: OpenStore): void {
  t.test('remember stores once per (scope, key) until the TTL passes', async t => {
    const s = await fresh(t, open)
    t.same(await s.remember('outbound', 'k1', { id: 1 }, 60_000), { value: { id: 1 }, created: true })
    t.same(await s.remember('outbound', 'k1', { id: 2 }, 60_000), { value: { id: 1 }, created: false })
    t.same(await s.remember('other', 'k1', 'x', 60_000), { value: 'x', created: true }, 'scopes are separate')
    const racing = await concurrently(10, i => s.remember('race', 'k', i, 60_000))
    t.equal(racing.filter(r => r.created).length, 1, 'one concurrent caller stores it')
    t.equal(new Set(racing.map(r => r.value)).size, 1, 'and everyone sees that value')
    await s.remember('short', 'k', 'old', 1)
    // the TTL is wall-clock (the interface takes no `now`): poll past it with a deadline
    const deadline = Date.now() + 5_000
    let r = await s.remember('short', 'k', 'new', 60_000)
    while (!r.created && Date.now() < deadline) { await sleep(5); r = await s.remember('short', 'k', 'new', 60_000) }
    t.same(r, { value: 'new', created: true }, 'an expired key is stored again')
  })

  t.test('recall reads what remember stored, in its scope, without storing anything', async t => {
    const s = await fresh(t, open)
    t.equal(await s.recall('answers', 'k'), undefined, 'nothing remembered yet')
    t.equal(await s.recall('answers', 'k'), undefined, 'and recall did not store anything')
    await s.remember('answers', 'k', { messages: [{ id: 'm1' }] }, 60_000)
    t.same(await s.recall('answers', 'k'), { messages: [{ id: 'm1' }] })
    t.equal(await s.recall('other', 'k'), undefined, 'scopes are separate')
    await s.remember('short', 'k', 'old', 1)
    const deadline = Date.now() + 5_000
    while (await s.recall('short', 'k') !== undefined && Date.now() < deadline) await sleep(5)
    t.equal(await s.recall('short', 'k'), undefined, 'an expired key is gone')
  })

  t.test('timers: set, replace, get, cancel, count', async t => {
    const s = await fresh(t, open)
    const payload = { threadId: 'th-1', list: [], nested: { a: [1] } }
    await s.setTimer({ key: 'idle:th-1', kind: 'idle.warn', dueAt: 1000, payload })
    t.same(await s.getTimer('idle:th-1'), { key: 'idle:th-1', kind: 'idle.warn', dueAt: 1000, payload })
    await s.setTimer({ key: 'idle:th-1', kind: 'idle.close', dueAt: 2000, payload: 2 })
    t.same(await s.getTimer('idle:th-1'), { key: 'idle:th-1', kind: 'idle.close', dueAt: 2000, payload: 2 }, 'set replaces')
    t.equal(await s.countTimers(), 1)
    t.same(await s.takeDueTimers(1999, 10), [], 'the replaced due time counts')
    await s.setTimer({ key: 'idle:th-2', kind: 'idle.warn', dueAt: 500, payload: null })
    t.equal(await s.countTimers(), 2)
    t.equal(await s.cancelTimer('idle:th-2'), true)
    t.equal(await s.cancelTimer('idle:th-2'), false)
    t.equal(await s.getTimer('idle:th-2'), undefined)
    t.same(await s.takeDueTimers(10_000, 10), [{ key: 'idle:th-1', kind: 'idle.close', dueAt: 2000, payload: 2 }])
    t.equal(await s.countTimers(), 0)
  })

  t.test('takeDueTimers returns due timers oldest first, up to limit, and removes them', async t => {
    const s = await fresh(t, open)
    for (const [key, dueAt] of [['c', 300], ['a', 100], ['d', 900], ['b', 200]] as const) await s.setTimer({ key, kind: 'k', dueAt, payload: key })
    t.same((await s.takeDueTimers(300, 2)).map(x => x.key), ['a', 'b'])
    t.same((await s.takeDueTimers(300, 10)).map(x => x.key), ['c'])
    t.same(await s.takeDueTimers(300, 10), [], 'each timer is taken once')
    t.equal(await s.countTimers(), 1)
    t.equal((await s.getTimer('d'))?.dueAt, 900)
  })

  t.test('concurrent takers never both get one timer', async t => {
    const s = await fresh(t, open)
    for (let i = 0; i < 50; i++) await s.setTimer({ key: `t${i}`, kind: 'k', dueAt: i, payload: i })
    const batches = await concurrently(8, () => s.takeDueTimers(1_000, 10))
    const keys = batches.flat().map(x => x.key)
    t.equal(new Set(keys).size, keys.length, 'no timer taken twice')
    const rest = await s.takeDueTimers(1_000, 100)
    t.equal(keys.length + rest.length, 50, 'none lost')
  })
}

export function keyLeaseDocCases (t: Test, open: OpenStore): void {
  t.test('signing keys: add once per kid, list oldest first', async t => {
    const s = await fresh(t, open)
    t.same(await s.listSigningKeys(), [])
    await s.addSigningKey({ kid: 'k2', secret: 's2', createdAt: 200 })
    await s.addSigningKey({ kid: 'k1', secret: 's1', createdAt: 100 })
    await s.addSigningKey({ kid: 'k1', secret: 'other', createdAt: 300 })
    t.same(await s.listSigningKeys(), [{ kid: 'k1', secret: 's1', createdAt: 100 }, { kid: 'k2', secret: 's2', createdAt: 200 }])
    await concurrently(5, i => s.addSigningKey({ kid: 'k3', secret: `s${i}`, createdAt: 400 }))
    t.equal((await s.listSigningKeys()).length, 3, 'concurrent adds of one kid keep one key')
  })

  t.test('leases: exclusive, renewable by the owner, free after expiry, released only by the owner', async t => {
    const s = await fresh(t, open)
    const now = Date.now()
    t.equal(await s.tryLease('poller', 'A', 1_000, now), true)
    t.equal(await s.tryLease('poller', 'B', 1_000, now + 500), false, 'held by A')
    t.equal(await s.tryLease('poller', 'A', 1_000, now + 500), true, 'A renews (until now + 1500)')
    t.equal(await s.tryLease('poller', 'B', 1_000, now + 1_499), false, 'the renewal counts')
    t.equal(await s.tryLease('other', 'B', 1_000, now), true, 'leases are per name')
    await s.releaseLease('poller', 'B')
    t.equal(await s.tryLease('poller', 'C', 1_000, now + 1_000), false, 'B cannot release what A holds')
    t.equal(await s.tryLease('poller', 'B', 1_000, now + 1_500), true, 'free after expiry')
    await s.releaseLease('poller', 'B')
    t.equal(await s.tryLease('poller', 'C', 1_000, now + 1_501), true, 'free after release')
    const racing = await concurrently(10, i => s.tryLease('race', `o${i}`, 60_000))
    t.equal(racing.filter(Boolean).length, 1, 'one of ten concurrent callers wins')
  })

  t.test('docs: put, get, replace, list, delete per collection', async t => {
    const s = await fresh(t, open)
    t.equal(await s.getDoc('tokens', 'x'), undefined)
    await s.putDoc('tokens', 'a', { token: 't1', expiresAt: 5, list: [] })
    await s.putDoc('tokens', 'b', { token: 't2' })
    await s.putDoc('sandbox', 'a', 'plain string')
    t.same(await s.getDoc('tokens', 'a'), { token: 't1', expiresAt: 5, list: [] })
    await s.putDoc('tokens', 'a', { token: 't3' })
    t.same(await s.getDoc('tokens', 'a'), { token: 't3' }, 'put replaces')
    t.same(sortBy(await s.listDocs<{ token: string }>('tokens'), d => d.token), [{ token: 't2' }, { token: 't3' }])
    t.same(await s.listDocs('sandbox'), ['plain string'])
    t.equal(await s.deleteDoc('tokens', 'a'), true)
    t.equal(await s.deleteDoc('tokens', 'a'), false)
    t.same(await s.listDocs('tokens'), [{ token: 't2' }])
    t.same(await s.listDocs('empty'), [])
  })

  t.test('ping answers and close is idempotent', async t => {
    const s = await open(t)
    t.type(s.driver, 'string')
    await t.resolves(s.ping())
    await s.close()
    await t.resolves(s.close())
  })
}
