import { randomBytes, randomUUID } from 'node:crypto'
import type { SigningKey, SigningKeysPort } from '../store/types.js'

/**
 * HS256 keys for the tokens the hub issues to CXone. Configured keys win (first signs, all verify: rotation by
 * config). Without them, a key is generated once and kept in the shared store so every instance signs and
 * verifies with the same keys; the oldest stored key signs, so racing instances converge on one.
 */
export class KeyRing {
  private keys: SigningKey[] = []
  private lastLoad = 0

  constructor (private readonly store: SigningKeysPort, private readonly configured: ReadonlyArray<{ kid: string, secret: string }> | undefined) {}

  async init (): Promise<void> {
    if (this.configured?.length) {
      this.keys = this.configured.map((k, i) => ({ kid: k.kid, secret: k.secret, createdAt: i }))
      return
    }
    if ((await this.store.listSigningKeys()).length === 0) {
      await this.store.addSigningKey({ kid: `k-${randomUUID()}`, secret: randomBytes(48).toString('base64url'), createdAt: Date.now() })
    }
    await this.reload()
  }

  private async reload (): Promise<void> {
    this.keys = await this.store.listSigningKeys()
    this.lastLoad = Date.now()
  }

  signingKey (): SigningKey {
    const key = this.keys[0]
    if (!key) throw new Error('key ring not initialised')
    return key
  }

  /** The verification key for a kid; an unknown kid re-reads the store at most once a second (rotation elsewhere). */
  async verificationKey (kid: unknown): Promise<string | undefined> {
    if (typeof kid !== 'string') return undefined
    let key = this.keys.find(k => k.kid === kid)
    if (!key && !this.configured?.length && Date.now() - this.lastLoad > 1000) {
      await this.reload()
      key = this.keys.find(k => k.kid === kid)
    }
    return key?.secret
  }
}
