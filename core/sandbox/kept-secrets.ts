import { randomBytes } from 'node:crypto'
import type { DocumentsPort } from '../store/types.js'

const SECRETS = 'sandbox:secrets'
const FOREVER_MS = 100 * 365 * 24 * 3600_000

/**
 * A secret generated on first use and kept in the shared store, so every instance (and every restart) agrees on it.
 * `remember` is the claim: two instances starting at once both get the first one's value.
 * 32 random bytes, base64url: 43 characters, longer than any minimum the hub or a plugin asks of a secret.
 */
export async function keptSecret (store: DocumentsPort, name: string): Promise<string> {
  const won = await store.remember(SECRETS, name, randomBytes(32).toString('base64url'), FOREVER_MS)
  return won.value as string
}
