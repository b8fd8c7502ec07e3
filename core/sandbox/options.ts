import type { Dispatcher } from 'undici'
import type { Store } from '../store/types.js'

export interface SandboxFaults {
  /** added to every DFO call */
  latencyMs?: number
  /** share of DFO calls answered 500 (0..1) */
  errorRate?: number
  /** share of DFO calls answered 429 with Retry-After (0..1) */
  rateLimitRate?: number
  retryAfterMs?: number
  /** epoch-millisecond windows during which every DFO call is answered 503 */
  downtime?: Array<{ fromMs: number, toMs: number }>
}

export interface SandboxHub {
  /** Integration Box URL, e.g. http://127.0.0.1:8080/integration/box */
  boxUrl: () => string
  /** Authorization URL, e.g. http://127.0.0.1:8080/integration/box/1.0/token */
  tokenUrl: () => string
  clientId: string
  clientSecret: string
  /** the hub's add/reconnect/remove action URLs, linked from the console's Integrations section */
  actionUrls?: () => { add: string, reconnect: string, remove: string }
  /** how the URLs above are reached: an InjectDispatcher when the hub mounts the sandbox; left out, over HTTP */
  dispatcher?: Dispatcher
}

export interface SandboxOptions {
  /** all sandbox state lives here, in collections prefixed 'sandbox:' */
  store: Store
  hub: SandboxHub
  /** what the hub must present to the sandbox's /auth/token */
  accessKeyId: string
  accessKeySecret: string
  /** the console's login token: the console, its API, _faults and one-time-token minting refuse requests without it */
  consoleToken: string
  tokenTtlMs: number
  /** how long a signed attachment URL works (DFO's links expire; default 15 min) */
  attachmentUrlTtlMs?: number
  brandId: number
  /** seeded at start (as if an admin created them) unless present */
  channels?: Array<{ id: string, name: string }>
  faults?: SandboxFaults
  /** injectable for deterministic fault tests */
  random?: () => number
}
