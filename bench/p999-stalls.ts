import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { request } from 'undici'
import type { Test } from 'tap'
import { startProcessRig } from '../test/reliability/harness/process-rig.js'
import { http } from '../test/helper.js'
import { startStallProbe } from './lib/stall-probe.mjs'

/**
 * L-1 at 300 msg/s (test/reliability/load/steady.test.ts, same rig and pacing) with every slow answer attributed:
 * the hub runs with bench/lib/stall-probe.mjs preloaded, this process (load generator + CXone + platform, as in the
 * test) runs it too, and each answer over --slow ms is matched with what both recorded in its window.
 *
 *   npm run build && TS_NODE_TRANSPILE_ONLY=1 node --import=@isaacs/ts-node-temp-fork-for-pr-2009/import \
 *     bench/p999-stalls.ts [--seconds=60] [--rate=300] [--slow=250] [--hub-node-options="--max-semi-space-size=32"]
 *     [--hub-v8-flags=--no-parallel-scavenge]
 *     [--hub-bin=/tmp/old/bin/byoc-hub.js --label=before]   (another build of the hub, for A/B runs back to back)
 *
 * Two things to know for A/B runs: a build copied elsewhere finds the recorder fixture only through a link from
 * test/fixtures/plugins/recorder/index.js to its own compiled copy (remove it afterwards); and the rig opens the
 * hub's SQLite file in this process too, with this checkout's store, so its checkpointer also works on that file.
 *
 * Prints a table per cause and writes the raw events to --out (a directory, kept) for a closer look.
 */
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '300' },
    conversations: { type: 'string', default: '500' },
    slow: { type: 'string', default: '250' },
    'hub-node-options': { type: 'string', default: '' },
    'hub-bin': { type: 'string' },
    'hub-v8-flags': { type: 'string' },
    out: { type: 'string' },
    label: { type: 'string', default: 'shipped' }
  }
})
const rate = Number(values.rate)
const seconds = Number(values.seconds)
const conversations = Number(values.conversations)
const slowMs = Number(values.slow)
const out = values.out ?? mkdtempSync(join(tmpdir(), 'byoc-p999-'))
const probe = resolve(import.meta.dirname, 'lib/stall-probe.mjs')

interface Event { k: string, at: number, ms: number, [more: string]: unknown }
interface Answer { at: number, ms: number, status: number }

// startProcessRig wants a tap Test for its temp dir and teardowns; a script gives it both by hand
const teardowns: Array<() => unknown> = []
const dirs: string[] = []
const fakeTest = {
  testdir: () => {
    const d = mkdtempSync(join(tmpdir(), 'byoc-p999-rig-'))
    dirs.push(d)
    process.env.STALL_PROBE_WAL = join(d, 'hub.db-wal') // the rig's hub store is <testdir>/hub.db
    return d
  },
  teardown: (fn: () => unknown) => { teardowns.push(fn) }
} as unknown as Test

const hubEvents = join(out, `${values.label}-hub.jsonl`)
const genEvents = join(out, `${values.label}-loadgen.jsonl`)
writeFileSync(hubEvents, '')
writeFileSync(genEvents, '')
const stopGenProbe = startStallProbe(genEvents, { machine: true })
// the hub is spawned with this process's environment: preload the probe there and tell it where to write
process.env.NODE_OPTIONS = `--import=${probe} ${values['hub-node-options']}`.trim()
process.env.STALL_PROBE_OUT = hubEvents
// V8 flags that NODE_OPTIONS refuses (--no-parallel-scavenge ...): the probe sets them as it loads
if (values['hub-v8-flags']) process.env.STALL_PROBE_V8_FLAGS = values['hub-v8-flags']
// another build of the hub for an A/B run (test/process/spawn-hub.ts reads it)
if (values['hub-bin']) process.env.BYOC_HUB_BIN = resolve(values['hub-bin'])
let answers: Answer[] = []
try {
  const rig = await startProcessRig(fakeTest, { server: { rateLimit: { max: 1_000_000 } }, delivery: { concurrency: 32 } })
  delete process.env.NODE_OPTIONS
  delete process.env.STALL_PROBE_OUT
  delete process.env.STALL_PROBE_WAL
  delete process.env.STALL_PROBE_V8_FLAGS
  await http('PUT', `${rig.cxone.url}/_faults`, { latencyMs: 20 })
  answers = await l1(`${rig.hub().url}/channels/recorder/inbound`)
  const drainStarted = Date.now()
  while ((await rig.store.outboxStats()).pending > 0 && Date.now() - drainStarted < 120_000) await new Promise(r => setTimeout(r, 200))
  await new Promise(r => setTimeout(r, 1500)) // the hub probe flushes once a second; the rig kills with SIGKILL
} finally {
  stopGenProbe()
  for (const fn of teardowns.reverse()) await fn()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
}
report(answers, read(hubEvents), read(genEvents))
writeFileSync(join(out, `${values.label}-answers.json`), JSON.stringify(answers))
process.stderr.write(`raw events in ${out}\n`)

/** The L-1 load: open-loop pacing, per conversation one message at a time (order is defined). */
async function l1 (url: string): Promise<Answer[]> {
  const done: Answer[] = []
  const lanes = new Map<number, Promise<void>>()
  const running: Array<Promise<void>> = []
  const started = performance.now()
  for (let i = 0; i < rate * seconds; i++) {
    const wait = started + (i * 1000) / rate - performance.now()
    if (wait > 1) await new Promise(r => setTimeout(r, wait))
    const conv = i % conversations
    const mine = (lanes.get(conv) ?? Promise.resolve()).then(async () => {
      const id = `p999-${String(i).padStart(6, '0')}`
      const at = performance.timeOrigin + performance.now()
      const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId: `herd-${conv}`, messageId: id, text: id }) })
      await res.body.dump()
      done.push({ at, ms: performance.timeOrigin + performance.now() - at, status: res.statusCode })
    })
    lanes.set(conv, mine)
    running.push(mine)
  }
  await Promise.all(running)
  return done
}

function read (path: string): Event[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l) as Event)
}

/** ms of [from, to] covered by events of one kind (overlaps counted once is not needed: these are short). */
function overlap (events: Event[], from: number, to: number): { ms: number, n: number, what: string[] } {
  let ms = 0
  const what: string[] = []
  for (const e of events) {
    const a = Math.max(from, e.at)
    const b = Math.min(to, e.at + e.ms)
    if (b > a) { ms += b - a; what.push(`${e.ms.toFixed(0)}${e.kind ? ' ' + String(e.kind) : ''}${e.sql ? ' ' + String(e.sql).slice(0, 40) : ''}${e.where ? ' ' + String(e.where).slice(0, 60) : ''}`) }
  }
  return { ms, n: what.length, what }
}

function report (answers: Answer[], hub: Event[], gen: Event[]): void {
  const sorted = answers.map(a => a.ms).sort((a, b) => a - b)
  const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0
  const of = (events: Event[], k: string): Event[] => events.filter(e => e.k === k)
  const sum = (events: Event[]): number => events.reduce((s, e) => s + e.ms, 0)
  const line = (cells: Array<string | number>): string => cells.map(String).join(' | ')
  const rows: string[] = []
  rows.push(`run '${values.label}': ${answers.length} answers at ${rate}/s for ${seconds} s; non-2xx ${answers.filter(a => a.status >= 300).length}`)
  rows.push(`latency ms: p50 ${pct(0.5).toFixed(1)}, p99 ${pct(0.99).toFixed(1)}, p999 ${pct(0.999).toFixed(1)}, max ${sorted.at(-1)?.toFixed(1)}`)
  const t0 = answers.reduce((m, a) => Math.min(m, a.at), Infinity)
  for (const skip of [1, 2, 5]) {
    const later = answers.filter(a => a.at - t0 >= skip * 1000).map(a => a.ms).sort((a, b) => a - b)
    const lp = (p: number): string => (later[Math.min(later.length - 1, Math.floor(later.length * p))] ?? 0).toFixed(1)
    rows.push(`  without the first ${skip} s (${answers.length - later.length} answers): p99 ${lp(0.99)}, p999 ${lp(0.999)}, max ${lp(1)}; over ${slowMs} ms in the first ${skip} s: ${answers.filter(a => a.at - t0 < skip * 1000 && a.ms >= slowMs).length}, after: ${later.filter(ms => ms >= slowMs).length}`)
  }
  rows.push('')
  rows.push(line(['process', 'what', 'count', 'total ms', 'max ms', 'count >= 100 ms', 'main thread during the >= 100 ms ones']))
  for (const [name, events] of [['hub', hub], ['load generator', gen]] as const) {
    for (const k of ['loop', 'gc', 'tx', 'sql', 'req']) {
      const es = of(events, k)
      const long = es.filter(e => e.ms >= 100)
      rows.push(line([name, k, es.length, sum(es).toFixed(0), Math.max(0, ...es.map(e => e.ms)).toFixed(0), long.length, k === 'loop' ? onCpu(long) : '']))
    }
    const cpu = of(events, 'cpu')
    rows.push(line([name, 'cpu (user+sys per s, mean / max)', cpu.length, (cpu.reduce((s, e) => s + (e.userMs as number) + (e.systemMs as number), 0) / Math.max(1, cpu.length)).toFixed(0), Math.max(0, ...cpu.map(e => (e.userMs as number) + (e.systemMs as number))).toFixed(0), '']))
  }
  const machine = of(gen, 'machine')
  rows.push(`machine: busy cores mean ${(machine.reduce((s, e) => s + (e.busyCores as number), 0) / Math.max(1, machine.length)).toFixed(2)}, seconds with both cores > 90% busy: ${machine.filter(e => (e.busyCores as number) > 1.8).length} of ${machine.length}`)
  const wal = of(hub, 'wal').map(e => e.bytes as number)
  rows.push(`hub WAL size: max ${(Math.max(0, ...wal) / 2 ** 20).toFixed(1)} MiB, last ${((wal.at(-1) ?? 0) / 2 ** 20).toFixed(1)} MiB`)
  rows.push('')
  const slow = answers.filter(a => a.ms >= slowMs).sort((a, b) => a.at - b.at)
  rows.push(`answers over ${slowMs} ms: ${slow.length}; for each, what overlapped its window (ms covered, by process)`)
  rows.push(line(['start (s into run)', 'answer ms', 'hub req ms', 'hub loop', 'hub gc', 'hub tx+sql', 'gen loop', 'gen gc', 'gen tx+sql', 'machine busy cores']))
  const hubReq = of(hub, 'req')
  // one line per burst: answers that started within 50 ms of each other share a stall
  let last = -Infinity
  for (const a of slow) {
    if (a.at - last < 50) continue
    last = a.at
    const to = a.at + a.ms
    const served = hubReq.filter(r => Math.abs(r.at - a.at) < 50 && r.ms >= slowMs / 2).map(r => r.ms)
    const cell = (events: Event[], ks: string[]): string => {
      const within = events.filter(e => ks.includes(e.k) && e.at < to && e.at + e.ms > a.at)
      const o = overlap(within, a.at, to)
      const cpu = ks[0] === 'loop' ? ` (${onCpu(within)})` : ''
      return o.n ? `${o.ms.toFixed(0)}${cpu} (${o.what.slice(0, 3).join('; ')})` : '0'
    }
    rows.push(line([((a.at - t0) / 1000).toFixed(2), a.ms.toFixed(0), served.length ? Math.max(...served).toFixed(0) : '-', cell(hub, ['loop']), cell(hub, ['gc']), cell(hub, ['tx', 'sql']), cell(gen, ['loop']), cell(gen, ['gc']), cell(gen, ['tx', 'sql']), busyAround(machine, a.at)]))
  }
  process.stdout.write(rows.join('\n') + '\n')
}

/** Busy cores in the machine sample that covers `at` (samples are taken at the end of each second). */
function busyAround (machine: Event[], at: number): string {
  const e = machine.find(m => m.at >= at)
  return e ? (e.busyCores as number).toFixed(2) : '-'
}

/** Where the main thread was during loop stalls: on a core, queued for one, or blocked (the rest). */
function onCpu (loops: Event[]): string {
  const ms = loops.reduce((s, e) => s + e.ms, 0)
  const share = (k: string): number => Math.round(100 * loops.reduce((s, e) => s + ((e[k] as number) || 0), 0) / ms)
  return ms > 0 ? `${share('cpuMs')}% on CPU, ${share('queuedMs')}% queued for one` : '-'
}
