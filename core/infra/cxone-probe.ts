import type { CxoneTokenSource } from '../cxone/dfo-types.js'

const FIRST_BACKOFF_MS = 5_000
const MAX_BACKOFF_MS = 5 * 60_000
const PROBE_TIMEOUT_MS = 2_000

interface ProbeState { failures: number, retryAt: number, detail: string, inflight?: Promise<string> }
const states = new WeakMap<CxoneTokenSource, ProbeState>()

/**
 * Readiness's CXone check: can a token be obtained? A failure is remembered and not retried for a while (5 s,
 * doubling to 5 min), so public probes and metric scrapes do not hammer CXone's auth while it fails; concurrent
 * probes share one attempt. A token obtained by real traffic meanwhile ends the backoff (the caller checks
 * `lastObtainedAt` first). Returns 'ok' or the reason, for logs and metrics only.
 */
export async function cxoneTokenCheck (tokens: CxoneTokenSource, now = Date.now()): Promise<string> {
  let s = states.get(tokens)
  if (!s) states.set(tokens, s = { failures: 0, retryAt: 0, detail: 'ok' })
  const state = s
  if (state.inflight) return state.inflight
  if (state.failures > 0 && now < state.retryAt) return state.detail
  state.inflight = withTimeout(tokens.get(), PROBE_TIMEOUT_MS).then(() => {
    state.failures = 0
    state.detail = 'ok'
    return 'ok'
  }, (err: Error) => {
    state.failures++
    state.retryAt = Date.now() + Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (state.failures - 1))
    state.detail = `token unavailable: ${err.message}`
    return state.detail
  }).finally(() => { state.inflight = undefined })
  return state.inflight
}

export function withTimeout<T> (p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)
    p.then(v => { clearTimeout(t); resolve(v) }, e => { clearTimeout(t); reject(e) })
  })
}
