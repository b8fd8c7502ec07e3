import type { Child } from './rpc.js'

export interface Row {
  scenario: string
  metric: string
  unit: string
  hub: number
  baseline?: number
  /** shown instead of hub/baseline when a ratio would mislead (e.g. a latency the hub answers before CXone) */
  note?: string
  target?: string
  met?: boolean
  /** the same metric measured on the --before tree's hub in this run (filled in by run.ts) */
  before?: number
  /** the target's verdict for the --before tree's hub */
  metBefore?: boolean
}

export interface HubOptions {
  idleTimeout?: string
  countdown?: string
  /** idle rule mode (the hub's default, attentive, unless given) */
  idleMode?: 'attentive' | 'any-message'
  /** store driver: sqlite (a temp file, the default) or redis (redisUrl, a Redis the bench started) */
  driver?: 'sqlite' | 'redis'
  redisUrl?: string
  /** Redis key prefix; hubs given the same one share their store (scale-out) */
  keyPrefix?: string
  /** tenants[] instead of the one top-level CXone: each its own CXone stand-in and a recorder channel `<id>-chat` */
  tenants?: BenchTenant[]
}

/** A tenant of a bench hub (servers/hub.ts): its CXone stand-in (a servers/dfo.ts process) and its cxone overrides. */
export interface BenchTenant {
  id: string
  dfoUrl: string
  /** merged into the tenant's cxone block (timeout, retries, ...) */
  cxone?: Record<string, unknown>
}

/** A source tree whose built hub is measured: this checkout ("after") or the --before ref's temporary worktree. */
export interface Tree { readonly label: 'after' | 'before', readonly root: string, readonly commit: string }

export interface Ctx {
  readonly quick: boolean
  readonly dfo: Child
  readonly baseline: Child
  /** bare Fastify 5 + @fastify/jwt: verify the bearer, answer JSON, nothing stored (servers/bare-fastify.ts) */
  readonly bare: Child
  /** Express 5 in the shape of NICE's sample: verify, remember in a Map, answer (servers/express-shape.ts) */
  readonly express: Child
  /** the tree whose hub startHub starts in this pass */
  readonly tree: Tree
  /** the smallest sizes that still run every step (npm test's smoke run); implies quick */
  readonly smoke: boolean
  /** a fresh hub (own store) for this scenario; stopped when the scenario ends */
  startHub (opts?: HubOptions): Promise<Child>
  log (msg: string): void
  /** runs `work`; with --profile, the hub's CPU profile of just that window goes to bench/profiles/<label>.cpuprofile */
  profiled<T> (hub: Child, label: string, work: () => Promise<T>): Promise<T>
  add (row: Row): void
  rows (): Row[]
}

export const BOX = '/integration/box'
export const json = { 'content-type': 'application/json' }

/** A distinct client address per request (see servers/hub.ts: the token route's per-address limit). */
export const forwardedFor = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`

export const round = (n: number, digits = 2): number => Number.isFinite(n) ? Number(n.toFixed(digits)) : n
