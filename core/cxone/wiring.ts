import type { Dispatcher } from 'undici'
import type { FastifyBaseLogger } from 'fastify'
import type { ByocConfig } from '../../config/schema.js'
import { DEFAULT_TENANT, tenantsOf } from '../../config/tenants.js'
import type { Store } from '../store/types.js'
import type { CxoneTokenSource, DfoClient } from './dfo-types.js'
import { createTokenSource } from './token-client.js'
import { createDfoClient } from './dfo-client.js'
import { discoveredEndpoints, fixedEndpoints, type EndpointSource } from './endpoints.js'

export interface CxoneWiring {
  readonly dfo: DfoClient
  readonly tokens: CxoneTokenSource
  /** where CXone is: configured, discovered from cxone.tenantId, or the sandbox */
  readonly endpoints: EndpointSource
  close (): Promise<void>
}

export interface CxoneHooks {
  onCall?: (operation: string, durationMs: number, outcome: string) => void
  onTokenFetch?: (outcome: 'ok' | 'error', durationMs: number) => void
}

/** Sandbox mode: where the emulator is (its /sandbox base URL) and, when it is in this process, the way there. */
export interface SandboxRoute {
  readonly url: string
  /** an InjectDispatcher on the app that mounts the sandbox; left out, the URL is reached over HTTP */
  readonly dispatcher?: Dispatcher
}

export interface CxoneDeps {
  readonly store?: Store
  readonly log?: FastifyBaseLogger
  readonly hooks?: CxoneHooks
  /** required in sandbox mode */
  readonly sandbox?: SandboxRoute
  /** whose CXone (config/tenants.ts); default `default` */
  readonly tenant?: string
}

/** The tenant's cxone block: each tenant has its own CXone, credentials, timeout and retries. */
function cxoneOf (config: ByocConfig, tenant: string | undefined): ByocConfig['cxone'] {
  const id = tenant ?? DEFAULT_TENANT
  const found = tenantsOf(config).find(t => t.id === id)
  if (!found) throw new Error(`no tenant '${id}' in the config`)
  return found.cxone
}

/** Configured endpoints, else region discovery (cxone.tenantId); in sandbox mode the emulator's. */
export function endpointsFor (config: ByocConfig, deps: Pick<CxoneDeps, 'log' | 'sandbox' | 'tenant'>): EndpointSource {
  const c = cxoneOf(config, deps.tenant)
  if (c.mode === 'sandbox') {
    if (deps.sandbox === undefined) throw new Error('cxone.mode sandbox: the wiring needs the sandbox route')
    const base = deps.sandbox.url.replace(/\/+$/, '')
    return fixedEndpoints({ authUrl: `${base}/auth/token`, apiBaseUrl: base })
  }
  if (c.authUrl && c.apiBaseUrl) return fixedEndpoints({ authUrl: c.authUrl, apiBaseUrl: c.apiBaseUrl })
  return discoveredEndpoints({
    discoveryUrl: c.discoveryUrl,
    tenantId: c.tenantId!,
    timeoutMs: c.timeout,
    ...(c.authUrl ? { authUrl: c.authUrl } : {}),
    ...(c.apiBaseUrl ? { apiBaseUrl: c.apiBaseUrl } : {}),
    ...(deps.log ? { log: deps.log } : {})
  })
}

/**
 * The hub's way to CXone: live endpoints from config or region discovery (a real undici Agent over HTTP), or in
 * sandbox mode the emulator, in process through the sandbox route's dispatcher when the hub mounts it. Endpoints are
 * awaited per call (the source caches them; a failed discovery is not cached), and nothing is called before first
 * use, so a hub whose CXone is unreachable still starts and says so in readiness.
 */
export function buildCxone (config: ByocConfig, deps: CxoneDeps): CxoneWiring {
  const c = cxoneOf(config, deps.tenant)
  const sandbox = c.mode === 'sandbox'
  const timeoutMs = c.timeout
  const endpoints = endpointsFor(config, deps)
  const dispatcher = sandbox ? deps.sandbox?.dispatcher : undefined
  const tokens = createTokenSource({
    authUrl: async () => (await endpoints.get()).authUrl,
    accessKeyId: sandbox ? config.sandbox.accessKeyId : c.accessKeyId!,
    accessKeySecret: sandbox ? config.sandbox.accessKeySecret ?? '' : c.accessKeySecret!,
    ...(c.clientId ? { clientId: c.clientId } : {}),
    ...(c.clientSecret ? { clientSecret: c.clientSecret } : {}),
    timeoutMs,
    ...(deps.tenant !== undefined ? { tenant: deps.tenant } : {}),
    ...(deps.store ? { store: deps.store } : {}),
    ...(deps.log ? { log: deps.log } : {}),
    ...(deps.hooks?.onTokenFetch ? { onFetch: deps.hooks.onTokenFetch } : {}),
    ...(dispatcher ? { dispatcher } : {})
  })
  const dfo = createDfoClient({
    apiBaseUrl: async () => (await endpoints.get()).apiBaseUrl,
    tokens,
    timeoutMs,
    retryBaseMs: c.retryBase,
    retryMaxMs: c.retryMax,
    ...(deps.log ? { log: deps.log } : {}),
    ...(deps.hooks?.onCall ? { onCall: deps.hooks.onCall } : {}),
    ...(dispatcher ? { dispatcher } : {})
  })
  return { dfo, tokens, endpoints, close: () => dfo.close() }
}
