/** Exponential backoff with full jitter (AWS architecture blog), capped; `random` injectable for tests. */
export function backoffDelay (attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt))
  return Math.round(ceiling / 2 + random() * ceiling / 2)
}
