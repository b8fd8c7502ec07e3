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
}

export interface HubOptions { idleTimeout?: string, countdown?: string, driver?: 'sqlite' | 'redis' }

export interface Ctx {
  readonly quick: boolean
  readonly dfo: Child
  readonly baseline: Child
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
