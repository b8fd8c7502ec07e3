/** The signal one job runs under, and the release that must follow the job (in a finally). */
export interface JobSignal { readonly signal: AbortSignal, release (): void }

/**
 * Aborted when the worker shuts down, or after `timeoutMs` (a TimeoutError, as AbortSignal.timeout gives).
 *
 * Not `AbortSignal.any([shutdown, AbortSignal.timeout(ms)])`: on Node 20 every any() call adds a WeakRef to the
 * source signal's set of dependants and nothing ever removes it, and any() over the job's composite signal
 * (withTimeout, per CXone call) registers on the composite's sources, i.e. on the worker's one shutdown signal
 * again. That set lived as long as the process and grew by ~21,000 entries (~2.5 MB) a minute in the L-5 soak
 * (heap snapshots, issue 14). A plain controller per job, whose listener and timer go away with the job, leaves
 * nothing behind on the shutdown signal.
 */
export function jobSignal (shutdown: AbortSignal, timeoutMs: number): JobSignal {
  const controller = new AbortController()
  if (shutdown.aborted) {
    controller.abort(shutdown.reason)
    return { signal: controller.signal, release: () => {} }
  }
  const onShutdown = (): void => controller.abort(shutdown.reason)
  shutdown.addEventListener('abort', onShutdown, { once: true })
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), timeoutMs)
  timer.unref() // like AbortSignal.timeout: a pending job deadline alone keeps no process alive
  return {
    signal: controller.signal,
    release: () => {
      clearTimeout(timer)
      shutdown.removeEventListener('abort', onShutdown)
    }
  }
}
