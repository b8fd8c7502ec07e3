/*
 * The documents port: small shared JSON documents by (collection, id) (the cached CXone token, sandbox state,
 * presence, action sessions, kept attachments), and remembered values with a TTL.
 *
 * Idempotency (`remember`/`recall`) lives here rather than in a port of its own: a remembered value is a document
 * that only its first writer sets and that expires, and its users (the webhook pipeline's earlier answers, the
 * plugin host's `remember`, the sandbox's thread index and kept secrets) keep their other small state in
 * documents too. A separate port would only split those consumers' dependency in two.
 */

export interface DocumentsPort {
  /** Stores (or replaces) a document. */
  putDoc (collection: string, id: string, doc: unknown): Promise<void>
  getDoc<T = unknown> (collection: string, id: string): Promise<T | undefined>
  deleteDoc (collection: string, id: string): Promise<boolean>
  listDocs<T = unknown> (collection: string): Promise<T[]>

  // idempotency keys (request-level dedupe, e.g. CXone retrying an outbound)
  /** Stores value under key unless present; returns the stored value and whether this call stored it. */
  remember (scope: string, key: string, value: unknown, ttlMs: number): Promise<{ value: unknown, created: boolean }>
  /** The value remembered under key while its TTL runs, else undefined; reads only (a webhook's earlier answer). */
  recall (scope: string, key: string): Promise<unknown>
}
