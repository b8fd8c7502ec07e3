/**
 * Retry timing shared by the DFO client and the durable jobs that call it with `attempts: 1`:
 * exponential backoff with full jitter, Retry-After parsing, and an abortable sleep.
 */

/**
 * Delay before retry number `attempt` (1 = first retry): a uniform random value in [0, min(max, base * 2^(attempt-1))].
 * Full jitter spreads the retries of many instances hitting the same outage, so they do not stampede together.
 */
export function backoffDelay (attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.floor(random() * ceiling)
}

/** Retry-After as delta-seconds or an HTTP-date, in ms from `now`; undefined when absent or unparseable. */
export function parseRetryAfter (value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value
  if (raw === undefined) return undefined
  const text = raw.trim()
  if (text === '') return undefined
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) { reject(signal.reason); return }
    const onAbort = (): void => { clearTimeout(timer); reject(signal?.reason) }
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** The caller's signal (if any) combined with a per-attempt timeout. */
export function withTimeout (timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs)
  return signal === undefined ? timeout : AbortSignal.any([signal, timeout])
}

/**
 * Waits for a shared promise but lets this caller give up on its own signal without cancelling the work
 * for everyone else (single-flight token refresh).
 */
export function raceSignal<T> (promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal === undefined) return promise
  if (signal.aborted) {
    // the caller has given up, but the work was already started: its failure is nobody's now, and must not surface
    // as an unhandled rejection (a token fetch cut off by the hub closing did, mid-test)
    promise.catch(() => undefined)
    return Promise.reject(signal.reason)
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      v => { signal.removeEventListener('abort', onAbort); resolve(v) },
      (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e) }
    )
  })
}
