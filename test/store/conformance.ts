import type { Test } from 'tap'
import type { Store } from '../../core/store/types.js'
import type { OpenStore } from './conformance-kit.js'
import { customerAndThreadCases } from './conformance-threads.js'
import { messageCases } from './conformance-messages.js'
import { scopingCases } from './conformance-scoping.js'
import { jobCases } from './conformance-jobs.js'
import { keyLeaseDocCases, rememberAndTimerCases } from './conformance-misc.js'

export type { OpenStore } from './conformance-kit.js'

/**
 * The store conformance suite: every driver must pass it. `open` returns a fresh, empty store for each subtest
 * (it receives the subtest, so a driver can register cleanup); the suite closes it. Time-based guarantees use the
 * injected `now` where the interface takes one, so nothing here waits on the clock except remember's TTL.
 */
export function runStoreConformance (t: Test, name: string, open: OpenStore | (() => Promise<Store>)): Promise<void> {
  const opener = open as OpenStore
  return t.test(`store conformance: ${name}`, async t => {
    t.test('customers and threads', async t => { customerAndThreadCases(t, opener) })
    t.test('messages', async t => { messageCases(t, opener) })
    t.test('ids scoped by channel, current thread', async t => { scopingCases(t, opener) })
    t.test('outbox jobs', async t => { jobCases(t, opener) })
    t.test('idempotency keys and timers', async t => { rememberAndTimerCases(t, opener) })
    t.test('signing keys, leases, docs, lifecycle', async t => { keyLeaseDocCases(t, opener) })
  }).then(() => undefined)
}
