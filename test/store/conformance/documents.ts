import type { Test } from 'tap'
import type { DocumentsPort } from '../../../core/store/types.js'
import { concurrently, fresh, sleep, sortBy, type OpenPort } from './kit.js'

/** The documents port: small JSON documents per collection, and remembered values with a TTL. */
export function documentsConformance (t: Test, open: OpenPort<DocumentsPort>): void {
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
}
