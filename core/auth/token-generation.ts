import { createHmac } from 'node:crypto'
import { secretsEqual, type ClientCredentials } from './client-credentials.js'

/**
 * The `gen` claim of the tokens the hub issues: an HMAC of the client id keyed by the client's secret. It names the
 * secret's generation without revealing it. Every call recomputes it from the current config, so removing a client
 * or rotating its secret revokes its tokens at once, on every instance, with no shared state.
 */
export function tokenGeneration (client: ClientCredentials): string {
  return createHmac('sha256', client.clientSecret).update(`byoc-hub token generation v1\0${client.clientId}`).digest('base64url').slice(0, 22)
}

/** The configured clients, as a bearer check sees them: is this `sub` still configured, with this generation? */
export class ClientRoster {
  private readonly generations: ReadonlyMap<string, string>

  constructor (clients: ReadonlyArray<ClientCredentials>) {
    this.generations = new Map(clients.map(c => [c.clientId, tokenGeneration(c)]))
  }

  isCurrent (sub: unknown, gen: unknown): boolean {
    if (typeof sub !== 'string' || typeof gen !== 'string') return false
    const expected = this.generations.get(sub)
    return expected !== undefined && secretsEqual(expected, gen)
  }
}
