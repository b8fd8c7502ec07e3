import type { FastifyBaseLogger } from 'fastify'
import type { ByocConfig } from '../../config/schema.js'
import { parseDuration } from '../../config/duration.js'
import type { Store } from '../store/types.js'
import type { CxoneTokenSource, DfoClient } from './dfo-types.js'
import { createTokenSource } from './token-client.js'
import { createDfoClient, type ClosableDfoClient } from './dfo-client.js'
import { lazyDfoClient } from './lazy-dfo.js'

export interface CxoneWiring {
  readonly dfo: DfoClient
  readonly tokens: CxoneTokenSource
  close (): Promise<void>
}

export interface CxoneHooks {
  onCall?: (operation: string, durationMs: number, outcome: string) => void
  onTokenFetch?: (outcome: 'ok' | 'error', durationMs: number) => void
}

/**
 * The hub's way to CXone: live endpoints from config, or in sandbox mode the emulator mounted on the hub's own
 * listener at /sandbox (reached over real HTTP on loopback, like any CXone).
 */
export function buildCxone (config: ByocConfig, deps: { store?: Store, log?: FastifyBaseLogger, localUrl: () => string, hooks?: CxoneHooks }): CxoneWiring {
  const c = config.cxone
  const sandbox = c.mode === 'sandbox'
  const timeoutMs = parseDuration(c.timeout) ?? 5000
  let client: ClosableDfoClient | undefined
  let tokens: CxoneTokenSource | undefined
  const tokenSource = (): CxoneTokenSource => (tokens ??= createTokenSource({
    authUrl: sandbox ? `${deps.localUrl()}/sandbox/auth/token` : c.authUrl!,
    accessKeyId: sandbox ? config.sandbox.accessKeyId : c.accessKeyId!,
    accessKeySecret: sandbox ? config.sandbox.accessKeySecret ?? '' : c.accessKeySecret!,
    ...(c.clientId ? { clientId: c.clientId } : {}),
    ...(c.clientSecret ? { clientSecret: c.clientSecret } : {}),
    timeoutMs,
    ...(deps.store ? { store: deps.store } : {}),
    ...(deps.log ? { log: deps.log } : {}),
    ...(deps.hooks?.onTokenFetch ? { onFetch: deps.hooks.onTokenFetch } : {})
  }))
  const dfo = lazyDfoClient(() => (client = createDfoClient({
    apiBaseUrl: sandbox ? `${deps.localUrl()}/sandbox` : c.apiBaseUrl!,
    tokens: tokenSource(),
    timeoutMs,
    retryBaseMs: parseDuration(c.retryBase) ?? 250,
    retryMaxMs: parseDuration(c.retryMax) ?? 60_000,
    ...(deps.log ? { log: deps.log } : {}),
    ...(deps.hooks?.onCall ? { onCall: deps.hooks.onCall } : {})
  })))
  const lazyTokens: CxoneTokenSource = {
    get: (o) => tokenSource().get(o),
    refresh: (rejected, o) => tokenSource().refresh(rejected, o),
    get lastObtainedAt () { return tokens?.lastObtainedAt }
  }
  return { dfo, tokens: lazyTokens, close: async () => { await client?.close() } }
}
