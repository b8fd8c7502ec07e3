import type { FastifyBaseLogger } from 'fastify'
import { DfoError } from './dfo-types.js'
import { discoverTenant, type CxoneEndpoints, type DiscoveryOptions } from './discovery.js'

/** The hub's CXone endpoints, known at once (configured) or found by region discovery on first use. */
export interface EndpointSource {
  get (): Promise<CxoneEndpoints>
}

export interface DiscoveredEndpointOptions extends DiscoveryOptions {
  /** configured values win over discovered ones */
  readonly authUrl?: string
  readonly apiBaseUrl?: string
  readonly log?: FastifyBaseLogger
  /** back-off after a failure: first delay and ceiling (default 1 s .. 5 min) */
  readonly retryBaseMs?: number
  readonly retryMaxMs?: number
  /** how long a discovery is trusted before it is done again (default 24 h; a failed refresh keeps the old one) */
  readonly refreshMs?: number
}

/** A URL known at build time, or one found on first use (region discovery); the source caches it, not the caller. */
export type UrlSource = string | (() => Promise<string>)

export const resolveUrl = async (source: UrlSource): Promise<string> => typeof source === 'string' ? source : await source()

export const fixedEndpoints = (endpoints: CxoneEndpoints): EndpointSource => ({ get: async () => endpoints })

/**
 * Region discovery, cached. A failure is not a crash: callers get the reason at once (readiness shows it, jobs retry)
 * while discovery itself is retried after a back-off that doubles up to retryMaxMs, so an unreachable issuer is not
 * hammered by every call.
 */
export function discoveredEndpoints (opts: DiscoveredEndpointOptions): EndpointSource {
  const base = opts.retryBaseMs ?? 1000
  const max = opts.retryMaxMs ?? 300_000
  const refreshMs = opts.refreshMs ?? 24 * 3_600_000
  let found: { endpoints: CxoneEndpoints, at: number } | undefined
  let failure: { error: DfoError, retryAt: number, delayMs: number } | undefined
  let inflight: Promise<CxoneEndpoints> | undefined

  const discover = async (): Promise<CxoneEndpoints> => {
    try {
      const t = await discoverTenant(opts)
      const endpoints = { authUrl: opts.authUrl ?? t.authUrl, apiBaseUrl: opts.apiBaseUrl ?? t.apiBaseUrl }
      found = { endpoints, at: Date.now() }
      failure = undefined
      opts.log?.info({ tenantId: t.tenantId, area: t.area, ...endpoints }, 'CXone region discovered')
      return endpoints
    } catch (err) {
      const error = err instanceof DfoError ? err : new DfoError('BYOC_ERR_CXONE_DISCOVERY', `CXone region discovery failed: ${(err as Error).message}`)
      const delayMs = failure ? Math.min(failure.delayMs * 2, max) : base
      failure = { error, retryAt: Date.now() + delayMs, delayMs }
      opts.log?.warn({ err: error.message, retryInMs: delayMs }, 'CXone region discovery failed')
      // a refresh that fails keeps the tenant working on what was found before
      if (found) return found.endpoints
      throw error
    }
  }

  return {
    async get () {
      if (found && (Date.now() - found.at < refreshMs || (failure && Date.now() < failure.retryAt))) return found.endpoints
      if (!found && failure && Date.now() < failure.retryAt) throw failure.error
      inflight ??= discover().finally(() => { inflight = undefined })
      return await inflight
    }
  }
}
