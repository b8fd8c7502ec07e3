// Stall attribution probe: records, with epoch timestamps, what could hold up an answer in this process.
// Plain JavaScript so a built hub can preload it without a TypeScript loader:
//   STALL_PROBE_OUT=/tmp/hub.jsonl node --import ./bench/lib/stall-probe.mjs bin/byoc-hub.js start ...
// It writes JSON lines: loop (event-loop drift), gc, tx/sql (slow SQLite work on this thread), req (slow
// HTTP answers as the server saw them), cpu (this process's CPU use per second), wal (WAL file size).
// Used by bench/p999-stalls.ts; never loaded by the hub in production.
import { appendFileSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import http from 'node:http'
import v8 from 'node:v8'
import { PerformanceObserver, constants, performance } from 'node:perf_hooks'

const now = () => performance.timeOrigin + performance.now()
const GC_KIND = { [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' }

/** Starts every probe; returns stop(). Thresholds keep the file small: only what could explain a slow answer. */
export function startStallProbe (out, opts = {}) {
  const { driftMs = 10, sqlMs = 5, reqMs = 50, walPath, machine = false } = opts
  let buffer = []
  const record = (e) => { buffer.push(JSON.stringify(e)) }
  const flush = () => { if (buffer.length) { appendFileSync(out, buffer.join('\n') + '\n'); buffer = [] } }

  // event-loop drift: a 5 ms interval that fires late by `drift` means the loop was held up that long. The main
  // thread's scheduler figures over the same span (Linux: /proc/self/task/<pid>/schedstat, in ns) tell why:
  // cpuMs = on a core (our code, GC, SQLite); queuedMs = runnable, waiting in the run queue for a core; the rest
  // = blocked (a syscall, I/O, a SQLite busy-wait sleep).
  const mainThread = () => {
    try { const [cpu, queued] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number); return { cpu: cpu / 1e6, queued: queued / 1e6 } } catch { return { cpu: NaN, queued: NaN } }
  }
  let expected = now() + 5
  let atTick = mainThread()
  const loop = setInterval(() => {
    const t = now()
    const drift = t - expected
    const sched = mainThread()
    if (drift >= driftMs) record({ k: 'loop', at: expected, ms: drift, cpuMs: sched.cpu - atTick.cpu, queuedMs: sched.queued - atTick.queued })
    atTick = sched
    expected = t + 5
  }, 5)
  loop.unref()

  const gc = new PerformanceObserver(list => {
    for (const e of list.getEntries()) if (e.duration >= 1) record({ k: 'gc', at: performance.timeOrigin + e.startTime, ms: e.duration, kind: GC_KIND[e.detail?.kind] ?? String(e.detail?.kind) })
  })
  gc.observe({ entryTypes: ['gc'] })

  // SQLite on this thread: statements and IMMEDIATE transactions (the commit runs inside immediate())
  let Database
  try { Database = createRequire(import.meta.url)('better-sqlite3') } catch { /* not a SQLite process */ }
  if (Database) {
    const caller = () => (new Error().stack ?? '').split('\n').slice(3, 6).map(s => s.trim().replace(/^at /, '')).join(' < ')
    const probeDb = new Database(':memory:')
    const Statement = Object.getPrototypeOf(probeDb.prepare('SELECT 1'))
    probeDb.close()
    for (const method of ['run', 'get', 'all']) {
      const original = Statement[method]
      Statement[method] = function (...args) {
        const t0 = now()
        try { return original.apply(this, args) } finally {
          const ms = now() - t0
          if (ms >= sqlMs) record({ k: 'sql', at: t0, ms, sql: this.source.replace(/\s+/g, ' ').slice(0, 90) })
        }
      }
    }
    const transaction = Database.prototype.transaction
    Database.prototype.transaction = function (fn) {
      const tx = transaction.call(this, fn)
      // better-sqlite3's variants are read-only properties: hand back a copy whose immediate() is timed
      const timed = (variant) => (...args) => {
        const t0 = now()
        try { return variant(...args) } finally {
          const ms = now() - t0
          if (ms >= sqlMs) record({ k: 'tx', at: t0, ms, where: caller() })
        }
      }
      const wrapped = timed(tx)
      for (const v of ['deferred', 'immediate', 'exclusive']) wrapped[v] = timed(tx[v])
      return wrapped
    }
  }

  // the server's own view of each answer: from the 'request' event to the last byte handed to the kernel
  const emit = http.Server.prototype.emit
  http.Server.prototype.emit = function (event, req, res) {
    if (event === 'request') {
      const t0 = now()
      res.once('finish', () => { const ms = now() - t0; if (ms >= reqMs) record({ k: 'req', at: t0, ms, url: req.url, status: res.statusCode }) })
    }
    return emit.apply(this, arguments)
  }

  // the whole machine (Linux): cores busy over the last second, and runnable threads now; a loop that is late
  // while every core is busy waited for a CPU, not for its own work
  const jiffies = () => { try { const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number); return { idle: f[3] + f[4], total: f.reduce((a, b) => a + b, 0) } } catch { return undefined } }
  let lastJiffies = machine ? jiffies() : undefined
  let cpu = process.cpuUsage()
  const second = setInterval(() => {
    const c = process.cpuUsage(cpu)
    cpu = process.cpuUsage()
    record({ k: 'cpu', at: now(), userMs: c.user / 1000, systemMs: c.system / 1000, heapMb: process.memoryUsage().heapUsed / 2 ** 20 })
    const j = lastJiffies && jiffies()
    if (j) {
      const cores = (j.total - lastJiffies.total - (j.idle - lastJiffies.idle)) / Math.max(1, j.total - lastJiffies.total) * (readFileSync('/proc/stat', 'utf8').match(/^cpu\d+/gm)?.length ?? 1)
      record({ k: 'machine', at: now(), busyCores: cores, runnable: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[3].split('/')[0]) })
      lastJiffies = j
    }
    if (walPath) { try { record({ k: 'wal', at: now(), bytes: statSync(walPath).size }) } catch { /* not created yet */ } }
    flush()
  }, 1000)
  second.unref()
  process.once('exit', flush)

  return () => { clearInterval(loop); clearInterval(second); gc.disconnect(); http.Server.prototype.emit = emit; flush() }
}

// V8 flags NODE_OPTIONS refuses, for A/B runs: --no-parallel-scavenge works when set here; --no-concurrent-marking
// set after start crashes V8 (a fatal check in cppgc's marker)
if (process.env.STALL_PROBE_V8_FLAGS) v8.setFlagsFromString(process.env.STALL_PROBE_V8_FLAGS)
if (process.env.STALL_PROBE_OUT) startStallProbe(process.env.STALL_PROBE_OUT, { walPath: process.env.STALL_PROBE_WAL })
