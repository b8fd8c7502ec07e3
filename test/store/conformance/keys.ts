import type { Test } from 'tap'
import type { SigningKeysPort } from '../../../core/store/types.js'
import { concurrently, fresh, type OpenPort } from './kit.js'

/** The signing-keys port: one key per kid, the first add wins, listed oldest first. */
export function signingKeysConformance (t: Test, open: OpenPort<SigningKeysPort>): void {
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
}
