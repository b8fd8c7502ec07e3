/** Types for stall-probe.mjs (plain JavaScript so a built hub can preload it). */
export interface StallProbeOptions {
  /** event-loop drift recorded from this many ms (default 10) */
  driftMs?: number
  /** SQLite statements and transactions recorded from this many ms (default 5) */
  sqlMs?: number
  /** server-side answers recorded from this many ms (default 50) */
  reqMs?: number
  /** a WAL file whose size is sampled each second */
  walPath?: string
  /** also sample the whole machine's busy cores (Linux /proc) */
  machine?: boolean
}
export function startStallProbe (out: string, opts?: StallProbeOptions): () => void
