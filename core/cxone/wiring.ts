import type { FastifyBaseLogger } from 'fastify'
import type { ByocConfig } from '../../config/schema.js'
import { parseDuration } from '../../config/duration.js'
import type { Store } from '../store/types.js'
import type { CxoneTokenSource, DfoClient } from './dfo-types.js'
import { createTokenSource } from './token-client.js'
import { createDfoClient, type ClosableDfoClient } from './dfo-client.js'
import { lazyDfoClient } from './lazy-dfo.js'
import { discoveredEndpoints, type EndpointSource } from './endpoints.js'

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

/** Configured endpoints, else region discovery (cxone.tenantId); in sandbox mode the emulator on the hub's listener. */
export function endpointsFor (config: ByocConfig, deps: { log?: FastifyBaseLogger, localUrl: () => string }): EndpointSource {
  const c = config.cxone
  if (c.mode === 'sandbox') return { get: async () => ({ authUrl: `${deps.localUrl()}/sandbox/auth/token`, apiBaseUrl: `${deps.localUrl()}/sandbox` }) }
  if (c.authUrl && c.apiBaseUrl) return { get: async () => ({ authUrl: c.authUrl!, apiBaseUrl: c.apiBaseUrl! }) }
  return discoveredEndpoints({
    discoveryUrl: c.discoveryUrl,
    tenantId: c.tenantId!,
    timeoutMs: parseDuration(c.timeout) ?? 5000,
    ...(c.authUrl ? { authUrl: c.authUrl } : {}),
    ...(c.apiBaseUrl ? { apiBaseUrl: c.apiBaseUrl } : {}),
    ...(deps.log ? { log: deps.log } : {})
  })
}

/**
 * The hub's way to CXone: live endpoints from config or region discovery, or in sandbox mode the emulator mounted on
 * the hub's own listener at /sandbox (reached over real HTTP on loopback, like any CXone). Nothing is called before
 * first use, so a hub whose CXone is unreachable still starts and says so in readiness.
 */
export function buildCxone (config: ByocConfig, deps: { store?: Store, log?: FastifyBaseLogger, localUrl: () => string, hooks?: CxoneHooks }): CxoneWiring {
  const c = config.cxone
  const sandbox = c.mode === 'sandbox'
  const timeoutMs = parseDuration(c.timeout) ?? 5000
  const endpoints = endpointsFor(config, deps)
  let client: ClosableDfoClient | undefined
  let tokens: CxoneTokenSource | undefined
  const tokenSource = async (): Promise<CxoneTokenSource> => {
    if (tokens) return tokens
    const { authUrl } = await endpoints.get()
    // checked again after the await: concurrent first calls share one token source
    return (tokens ??= createTokenSource({
      authUrl,
      accessKeyId: sandbox ? config.sandbox.accessKeyId : c.accessKeyId!,
      accessKeySecret: sandbox ? config.sandbox.accessKeySecret ?? '' : c.accessKeySecret!,
      ...(c.clientId ? { clientId: c.clientId } : {}),
      ...(c.clientSecret ? { clientSecret: c.clientSecret } : {}),
      timeoutMs,
      ...(deps.store ? { store: deps.store } : {}),
      ...(deps.log ? { log: deps.log } : {}),
      ...(deps.hooks?.onTokenFetch ? { onFetch: deps.hooks.onTokenFetch } : {})
    }))
  }
  const lazyTokens: CxoneTokenSource = {
    get: async (o) => (await tokenSource()).get(o),
    refresh: async (rejected, o) => (await tokenSource()).refresh(rejected, o),
    get lastObtainedAt () { return tokens?.lastObtainedAt }
  }
  const dfo = lazyDfoClient(async () => {
    const { apiBaseUrl } = await endpoints.get()
    return (client ??= createDfoClient({
      apiBaseUrl,
      tokens: lazyTokens,
      timeoutMs,
      retryBaseMs: parseDuration(c.retryBase) ?? 250,
      retryMaxMs: parseDuration(c.retryMax) ?? 60_000,
      ...(deps.log ? { log: deps.log } : {}),
      ...(deps.hooks?.onCall ? { onCall: deps.hooks.onCall } : {})
    }))
  })
  return { dfo, tokens: lazyTokens, endpoints, close: async () => { await client?.close() } }
}
