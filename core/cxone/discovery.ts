import { request, type Dispatcher } from 'undici'
import { DfoError } from './dfo-types.js'

/** Where the hub reaches CXone: the token URL (§3.1) and the DFO base (§3.2; /dfo/3.0 is appended). */
export interface CxoneEndpoints {
  readonly authUrl: string
  readonly apiBaseUrl: string
}

/** What region discovery found, as `byoc-hub cxone-setup` prints it. */
export interface DiscoveredTenant extends CxoneEndpoints {
  readonly tenantId: string
  readonly issuer: string
  readonly area?: string
  readonly domain?: string
  readonly cluster?: string
  /** ACD API (api_endpoint): not used by the hub, printed for the administrator */
  readonly apiEndpoint?: string
  readonly authEndpoint?: string
}

export interface DiscoveryOptions {
  /** the issuer, e.g. https://cxone.niceincontact.com */
  readonly discoveryUrl: string
  readonly tenantId: string
  readonly timeoutMs: number
  readonly dispatcher?: Dispatcher
}

// discovery answers are put into URLs: only host-name characters are accepted from them
const LABEL = /^[a-z0-9-]{1,63}$/i
const DOMAIN = /^[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$/i

/**
 * Region discovery (§3.1): `{issuer}/.well-known/cxone-configuration?tenantId=…` names the tenant's area and domain,
 * `{issuer}/.well-known/openid-configuration` names the token endpoint. The DFO base follows from area and domain.
 */
export async function discoverTenant (opts: DiscoveryOptions): Promise<DiscoveredTenant> {
  const issuer = opts.discoveryUrl.replace(/\/$/, '')
  const tenant = await getJson(`${issuer}/.well-known/cxone-configuration?tenantId=${encodeURIComponent(opts.tenantId)}`, opts)
  const oidc = await getJson(`${issuer}/.well-known/openid-configuration`, opts)
  const authUrl = httpUrl(oidc.token_endpoint)
  if (authUrl === undefined) throw discoveryError(`${issuer}/.well-known/openid-configuration has no token_endpoint`)
  const str = (v: unknown): string | undefined => typeof v === 'string' && v !== '' ? v : undefined
  return {
    tenantId: opts.tenantId,
    issuer,
    authUrl,
    apiBaseUrl: dfoBaseFor(tenant, issuer),
    ...optional('area', str(tenant.area)),
    ...optional('domain', str(tenant.domain)),
    ...optional('cluster', str(tenant.cluster)),
    ...optional('apiEndpoint', str(tenant.api_endpoint)),
    ...optional('authEndpoint', str(tenant.auth_endpoint))
  }
}

/**
 * §3.2: `https://api-de-{area}.{domain}`; FedRAMP `na2` is `https://api-de-na2.nicecxone-gov.com` (NICE's agent SDK
 * hard-codes that exception too). A stand-in that serves discovery, auth and DFO from one origin (the sandbox) says
 * so by naming an api_endpoint on the issuer's own origin; NICE's issuer is never an API host, so this cannot
 * misfire against a real tenant.
 */
export function dfoBaseFor (doc: Record<string, unknown>, issuer: string): string {
  const api = httpUrl(doc.api_endpoint)
  if (api !== undefined && new URL(api).origin === new URL(issuer).origin) return api.replace(/\/$/, '')
  const { area, domain } = doc
  if (typeof area !== 'string' || !LABEL.test(area) || typeof domain !== 'string' || !DOMAIN.test(domain)) {
    throw discoveryError(`cxone-configuration has no usable area and domain (area ${JSON.stringify(area)}, domain ${JSON.stringify(domain)})`)
  }
  const a = area.toLowerCase()
  return a === 'na2' ? 'https://api-de-na2.nicecxone-gov.com' : `https://api-de-${a}.${domain.toLowerCase()}`
}

async function getJson (url: string, opts: DiscoveryOptions): Promise<Record<string, unknown>> {
  let res: Dispatcher.ResponseData
  try {
    res = await request(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(opts.timeoutMs),
      ...(opts.dispatcher !== undefined ? { dispatcher: opts.dispatcher } : {})
    })
  } catch (err) {
    throw discoveryError(`${url} did not answer (${(err as Error).message})`, err)
  }
  const text = await res.body.text().catch(() => '')
  if (res.statusCode !== 200) throw discoveryError(`${url} answered HTTP ${res.statusCode}${res.statusCode === 404 ? ' (unknown tenant id?)' : ''}`, undefined, res.statusCode)
  try {
    const body = JSON.parse(text) as unknown
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>
  } catch { /* reported below */ }
  throw discoveryError(`${url} did not answer a JSON object`)
}

function httpUrl (v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined
  try {
    const u = new URL(v)
    return u.protocol === 'https:' || u.protocol === 'http:' ? v : undefined
  } catch { return undefined }
}

const optional = <K extends string, V> (key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }

const discoveryError = (msg: string, cause?: unknown, status?: number): DfoError =>
  new DfoError('BYOC_ERR_CXONE_DISCOVERY', `CXone region discovery failed: ${msg}`, status !== undefined ? { status } : {}, cause !== undefined ? { cause } : undefined)
