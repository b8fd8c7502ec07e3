import { randomUUID } from 'node:crypto'
import type { DocumentsPort, LeasesPort } from '../store/types.js'
import { DfoError, type CxoneTokenSource } from './dfo-types.js'
import { raceSignal, sleep } from '../delivery/http-retry.js'
import { fetchToken, type CachedToken, type TokenFetchOptions } from './token-fetch.js'

export interface TokenSourceOptions extends TokenFetchOptions {
  /** refresh this long before expiry (default 60 s; at most half the token's lifetime) */
  readonly refreshSkewMs?: number
  /** share one token across instances through the store (doc `cxone-token/current`, lease `cxone-token-refresh`) */
  readonly store?: DocumentsPort & LeasesPort
  /** how often an instance waiting for another's refresh re-reads the shared doc (default 50 ms) */
  readonly sharedPollMs?: number
  /** whose token: each tenant's is its own doc and lease in the shared store (the tenant `default` keeps the plain keys) */
  readonly tenant?: string
}

const DOC_COLLECTION = 'cxone-token'
const DOC_ID = 'current'
const LEASE = 'cxone-token-refresh'

/**
 * The hub's CXone access token (§3.1): cached, refreshed before expiry, one refresh in flight per process and,
 * with a store, one refresh at a time across instances (the others wait and re-read the shared doc).
 */
export function createTokenSource (opts: TokenSourceOptions): CxoneTokenSource {
  const skew = opts.refreshSkewMs ?? 60_000
  const pollMs = opts.sharedPollMs ?? 50
  const owner = `token-${randomUUID()}`
  const docId = opts.tenant === undefined || opts.tenant === 'default' ? DOC_ID : `${DOC_ID}:${opts.tenant}`
  const lease = opts.tenant === undefined || opts.tenant === 'default' ? LEASE : `${LEASE}:${opts.tenant}`
  // a refresh must finish within the token timeout; a crashed holder's lease lapses shortly after
  const leaseTtl = opts.timeoutMs + 1000
  let cached: CachedToken | undefined
  let lastObtainedAt: number | undefined
  let inflight: Promise<CachedToken> | undefined

  // refresh at expiry minus skew, but never use more than half the lifetime as skew (short-lived test tokens)
  const usable = (t: CachedToken | undefined, rejected?: string): t is CachedToken =>
    t !== undefined && t.accessToken !== rejected &&
    Date.now() < t.expiresAt - Math.min(skew, (t.expiresAt - t.obtainedAt) / 2)

  const fetchOnce = (): Promise<CachedToken> => fetchToken(opts)

  async function readDoc (store: DocumentsPort & LeasesPort): Promise<CachedToken | undefined> {
    const doc = await store.getDoc<Partial<CachedToken>>(DOC_COLLECTION, docId)
    if (typeof doc?.accessToken !== 'string' || typeof doc.expiresAt !== 'number' || typeof doc.obtainedAt !== 'number') return undefined
    return { accessToken: doc.accessToken, tokenType: doc.tokenType ?? 'Bearer', expiresAt: doc.expiresAt, obtainedAt: doc.obtainedAt }
  }

  async function obtainShared (store: DocumentsPort & LeasesPort, rejected: string | undefined): Promise<CachedToken> {
    const deadline = Date.now() + leaseTtl + opts.timeoutMs
    for (;;) {
      const doc = await readDoc(store)
      if (usable(doc, rejected)) return doc
      if (await store.tryLease(lease, owner, leaseTtl)) {
        try {
          // another instance may have written between our read and our lease
          const again = await readDoc(store)
          if (usable(again, rejected)) return again
          const token = await fetchOnce()
          await store.putDoc(DOC_COLLECTION, docId, token)
          return token
        } finally {
          await store.releaseLease(lease, owner).catch(() => undefined)
        }
      }
      // the holder is stuck past its own lease and timeout: fetch rather than fail the caller
      if (Date.now() > deadline) return await fetchOnce()
      await sleep(pollMs)
    }
  }

  async function obtain (rejected: string | undefined): Promise<CachedToken> {
    const store = opts.store
    if (store === undefined) return await fetchOnce()
    try {
      return await obtainShared(store, rejected)
    } catch (err) {
      if (err instanceof DfoError) throw err
      // the shared cache is an optimisation: a store outage must not stop calls to CXone
      opts.log?.warn({ err }, 'CXone token: shared cache unavailable, fetching directly')
      return await fetchOnce()
    }
  }

  async function current (rejected: string | undefined): Promise<string> {
    // a rejected token is known bad: later get() calls must wait for its replacement, not reuse it
    if (rejected !== undefined && cached?.accessToken === rejected) cached = undefined
    for (;;) {
      if (usable(cached, rejected)) return cached.accessToken
      if (inflight === undefined) break
      // join the refresh in flight; its failure is ours too
      const t = await inflight
      if (usable(t, rejected)) return t.accessToken
    }
    inflight = obtain(rejected).then(t => { cached = t; lastObtainedAt = t.obtainedAt; return t }).finally(() => { inflight = undefined })
    return (await inflight).accessToken
  }

  return {
    get (o) { return raceSignal(current(undefined), o?.signal) },
    refresh (rejected, o) { return raceSignal(current(rejected), o?.signal) },
    get lastObtainedAt () { return lastObtainedAt }
  }
}
