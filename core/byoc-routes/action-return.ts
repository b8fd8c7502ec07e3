import type { ByocConfig } from '../../config/schema.js'
import type { CxoneEndpoints } from '../cxone/discovery.js'

/**
 * Where an action page may send the admin back to. CXone passes `backUrl` in the query string, so anyone can craft
 * an action link that would bounce a logged-in admin to their own site (an open redirect with the hub's name on it).
 * Only CXone's own hosts are trusted: in sandbox mode the hub itself (it serves the sandbox), in live mode the hosts
 * of the CXone endpoints the hub uses (cxone.authUrl/apiBaseUrl as configured, or as region discovery found them),
 * plus whatever `cxone.actionReturnHosts` adds (CXone's UI lives on other hosts than its API).
 */
export interface ReturnHosts {
  /** the trusted hosts for a request that reached the hub as `requestHost` (lower case, host[:port] or *.domain) */
  list (requestHost: string): Promise<string[]>
  /** `url` when it is http(s) on a trusted host, otherwise undefined */
  check (url: string | undefined, requestHost: string): Promise<string | undefined>
}

const hostOf = (url: string | undefined): string[] => {
  if (!url) return []
  try { return [new URL(url).host.toLowerCase()] } catch { return [] }
}

/**
 * `cxone` is one tenant's block (each tenant's admin comes from its own CXone); `endpoints` are the CXone endpoints in use (configured, or found by region discovery, which a live hub configured
 * with only a tenant id relies on); when they cannot be had (discovery failing) only the configured URLs count.
 */
export function returnHosts (cxone: ByocConfig['cxone'], selfUrl: () => string, endpoints?: () => Promise<CxoneEndpoints>): ReturnHosts {
  const extra = cxone.actionReturnHosts.map(h => h.toLowerCase())
  const live = cxone.mode === 'live'
  const configured = live ? [...hostOf(cxone.authUrl), ...hostOf(cxone.apiBaseUrl)] : []
  const cxoneHosts = async (): Promise<string[]> => {
    if (!live || !endpoints) return configured
    const found = await endpoints().catch(() => undefined)
    return found ? [...configured, ...hostOf(found.authUrl), ...hostOf(found.apiBaseUrl)] : configured
  }
  const list = async (requestHost: string): Promise<string[]> => {
    // sandbox mode: the sandbox is on the hub's own listener, reached by whatever host the browser used (a Host
    // header a victim's browser sets itself, so an attacker cannot choose it) or the configured public URL
    const own = cxone.mode === 'sandbox' ? [requestHost.toLowerCase(), ...hostOf(selfUrl())] : []
    return [...new Set([...own, ...await cxoneHosts(), ...extra])]
  }
  return {
    list,
    async check (url, requestHost) {
      if (!url) return undefined
      let u: URL
      try { u = new URL(url) } catch { return undefined }
      if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined
      if (u.username || u.password) return undefined
      return (await list(requestHost)).some(h => hostMatches(h, u.host.toLowerCase())) ? u.href : undefined
    }
  }
}

/** CSP host-source semantics: `*.example.com` covers subdomains only, never the apex; a port must match exactly. */
export function hostMatches (pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === host
  const suffix = pattern.slice(1)
  return host.endsWith(suffix) && host.length > suffix.length
}

/** The value of form-action: the page posts to itself, and that post's redirect goes to one of these hosts. */
export function formActionSources (hosts: readonly string[]): string {
  return ["'self'", ...hosts].join(' ')
}
