import type { ConversationsPort } from './ports/conversations.js'
import type { DocumentsPort } from './ports/documents.js'
import type { SigningKeysPort } from './ports/keys.js'
import type { LeasesPort } from './ports/leases.js'
import type { OutboxPort } from './ports/outbox.js'
import type { PrivacyPort } from './ports/privacy.js'
import type { TimersPort } from './ports/timers.js'

export type * from './ports/conversations.js'
export type * from './ports/documents.js'
export type * from './ports/inbound.js'
export type * from './ports/keys.js'
export type * from './ports/leases.js'
export type * from './ports/outbox.js'
export type * from './ports/privacy.js'
export type * from './ports/timers.js'

/**
 * What a driver implements: every port (ports/*.ts), each checked by its own conformance suite
 * (test/store/conformance/<port>.ts) on every driver. Consumers depend on the ports they use; `Store` is the one
 * handle `openStore` returns and the hub passes around. No correctness may depend on one process's memory: claims
 * are leases with an owner and an expiry, unique constraints decide races between instances.
 */
export interface StorePorts extends ConversationsPort, OutboxPort, TimersPort, SigningKeysPort, DocumentsPort, LeasesPort, PrivacyPort {}

export interface Store extends StorePorts {
  readonly driver: string
  /** Cheap round trip used by readiness. */
  ping (): Promise<void>
  close (): Promise<void>
}
