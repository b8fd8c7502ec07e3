import type { Test } from 'tap'
import type { OpenPair, OpenStore } from './kit.js'
import { conversationsConformance, sharedConversationsConformance } from './conversations.js'
import { outboxConformance, sharedOutboxConformance } from './outbox.js'
import { outboxSettleConformance } from './outbox-settle.js'
import { sharedTimersConformance, timersConformance } from './timers.js'
import { signingKeysConformance } from './keys.js'
import { documentsConformance } from './documents.js'
import { inboundConformance, sharedInboundConformance } from './inbound.js'
import { leasesConformance, sharedLeasesConformance } from './leases.js'
import type { Store } from '../../../core/store/types.js'

export type { OpenStore } from './kit.js'
export type OpenStorePair = OpenPair<Store>

/**
 * The store conformance suites, one per port (conversations.ts, outbox.ts, timers.ts, keys.ts, documents.ts,
 * leases.ts): every driver must pass them all. `open` returns a fresh, empty store for each subtest (it receives the
 * subtest, so a driver can register cleanup); the suite closes it. Time-based guarantees use the injected `now`
 * where a port takes one, so nothing here waits on the clock except remember's TTL.
 */
export function runStoreConformance (t: Test, name: string, open: OpenStore): Promise<void> {
  return t.test(`store conformance: ${name}`, async t => {
    t.test('conversations port', async t => { conversationsConformance(t, open) })
    t.test('inbound step', async t => { inboundConformance(t, open) })
    t.test('outbox port', async t => { outboxConformance(t, open) })
    t.test('outbox port: settleAndClaim', async t => { outboxSettleConformance(t, open) })
    t.test('timers port', async t => { timersConformance(t, open) })
    t.test('signing-keys port', async t => { signingKeysConformance(t, open) })
    t.test('documents port', async t => { documentsConformance(t, open) })
    t.test('leases port', async t => { leasesConformance(t, open) })
    t.test('ping answers and close is idempotent', async t => {
      const s = await open(t)
      t.type(s.driver, 'string')
      await t.resolves(s.ping())
      await s.close()
      await t.resolves(s.close())
    })
  }).then(() => undefined)
}

/** The races between two instances sharing one store, per port: what several hub processes rely on. */
export function runSharedStoreConformance (t: Test, name: string, openPair: OpenStorePair): Promise<void> {
  return t.test(`shared store conformance: ${name}`, async t => {
    t.test('conversations port', async t => { sharedConversationsConformance(t, openPair) })
    t.test('inbound step', async t => { sharedInboundConformance(t, openPair) })
    t.test('outbox port', async t => { sharedOutboxConformance(t, openPair) })
    t.test('timers port', async t => { sharedTimersConformance(t, openPair) })
    t.test('leases port', async t => { sharedLeasesConformance(t, openPair) })
  }).then(() => undefined)
}
