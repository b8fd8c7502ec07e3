import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { eventually, http } from '../../helper.js'

/**
 * Where a hub process's memory is, for the L-5 soak: RSS split by the kernel into anonymous pages (V8's heap, malloc:
 * SQLite's page cache, sockets) and file pages (the node binary and mapped code), and the JS side from the hub's own
 * default metrics (V8's used and committed heap, `external` = ArrayBuffers and native buffers V8 is told about).
 * Anonymous RSS that is neither committed heap nor external is native memory V8 does not see (malloc arenas, SQLite).
 */
export interface MemorySample {
  at: number
  rssMb: number
  rssAnonMb: number
  rssFileMb: number
  heapUsedMb: number
  heapTotalMb: number
  externalMb: number
  /** anonymous RSS minus V8's committed heap and external: malloc arenas, SQLite's page cache, code space */
  nativeMb: number
  /** glibc's main malloc arena (the `[heap]` mapping, grown by brk) */
  mainArenaMb: number
  /** glibc's per-thread malloc arenas: anonymous mappings at 64 MiB boundaries (HEAP_MAX_SIZE on 64-bit) */
  threadArenasMb: number
}

/** The two kinds of malloc memory in /proc/<pid>/smaps; what is left of anonymous RSS is mostly V8's pages */
export function mallocArenasMb (pid: number): { main: number, threads: number } {
  let main = 0
  let threads = 0
  let current: 'main' | 'thread' | undefined
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const map = /^([0-9a-f]+)-[0-9a-f]+ (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line)
    if (map !== null) {
      const name = map[3]!.trim()
      current = name === '[heap]' ? 'main' : name === '' && map[2] === 'rw-p' && BigInt(`0x${map[1]}`) % (64n << 20n) === 0n ? 'thread' : undefined
    } else if (current !== undefined && line.startsWith('Rss:')) {
      const kb = Number(line.split(/\s+/)[1])
      if (current === 'main') main += kb / 1024
      else threads += kb / 1024
    }
  }
  return { main, threads }
}

const MB = 1048576

function procStatusMb (pid: number): { rss: number, anon: number, file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') + kb('RssShmem') }
}

function metric (text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / MB
}

/** One sample; the JS figures are NaN when the metrics scrape fails (the hub busy writing a heap snapshot) */
export async function sampleMemory (pid: number, metricsUrl: string): Promise<MemorySample> {
  const proc = procStatusMb(pid)
  const arenas = mallocArenasMb(pid)
  let text = ''
  try { text = String((await http('GET', metricsUrl)).body) } catch {}
  const heapTotalMb = metric(text, 'byoc_nodejs_heap_size_total_bytes')
  const externalMb = metric(text, 'byoc_nodejs_external_memory_bytes')
  return {
    at: Date.now(),
    rssMb: proc.rss,
    rssAnonMb: proc.anon,
    rssFileMb: proc.file,
    heapUsedMb: metric(text, 'byoc_nodejs_heap_size_used_bytes'),
    heapTotalMb,
    externalMb,
    nativeMb: proc.anon - heapTotalMb - externalMb,
    mainArenaMb: arenas.main,
    threadArenasMb: arenas.threads
  }
}

/**
 * Asks a hub started with `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=<dir>` for a heap snapshot and waits until
 * it is written: the snapshot is taken and written on the hub's main thread, so the hub answering /health/live again
 * means the file is complete. Returns the new file's path.
 */
export async function takeHeapSnapshot (pid: number, dir: string, hubUrl: string): Promise<string> {
  const before = new Set(readdirSync(dir).filter(f => f.endsWith('.heapsnapshot')))
  process.kill(pid, 'SIGUSR2')
  const file = await eventually(() => readdirSync(dir).find(f => f.endsWith('.heapsnapshot') && !before.has(f)), 120_000, 'heap snapshot file')
  await eventually(async () => {
    const size = statSync(join(dir, file)).size
    const live = (await http('GET', `${hubUrl}/health/live`)).status === 200
    return live && size > 0 && statSync(join(dir, file)).size === size
  }, 120_000, 'heap snapshot written')
  return join(dir, file)
}
