import type { Test } from 'tap'
import type { LeasesPort } from '../../../core/store/types.js'
import { concurrently, fresh, pair, type OpenPair, type OpenPort } from './kit.js'

/** The leases port on one store: one holder per name, renewable, free after expiry or release. */
export function leasesConformance (t: Test, open: OpenPort<LeasesPort>): void {
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
}

/** The leases port on two instances sharing one store: one holder across both. */
export function sharedLeasesConformance (t: Test, openPair: OpenPair<LeasesPort>): void {
  t.test('leases are shared: one holder across two instances', async t => {
    const [a, b] = await pair(t, openPair)
    const wins = await concurrently(10, i => (i % 2 ? a : b).tryLease('token-refresh', `o${i}`, 60_000))
    t.equal(wins.filter(Boolean).length, 1)
  })
}
