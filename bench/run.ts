import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startChild, type Child } from './lib/rpc.js'
import type { Ctx, HubOptions, Row } from './lib/context.js'
import { DFO_CHANNELS } from './lib/constants.js'
import { environment, markdownTable, textTable } from './lib/report.js'
import { authReply } from './scenarios/auth-reply.js'
import { relay } from './scenarios/relay.js'
import { scale } from './scenarios/scale.js'
import { slowCxone } from './scenarios/slow-cxone.js'

/**
 * `npm run bench [-- --quick] [-- --only=relay,scale] [-- --profile] [-- --out=path]`: every scenario against the
 * hub and against its bare-minimum baseline, in one run, on loopback. Prints the table and writes bench/RESULTS.md.
 */
const SCENARIOS: Record<string, { title: string, run: (ctx: Ctx) => Promise<void> }> = {
  auth: { title: 'token issuance and authenticated reply', run: authReply },
  relay: { title: 'inbound relay', run: relay },
  scale: { title: 'conversations at scale', run: scale },
  slow: { title: 'slow CXone', run: slowCxone }
}

const ROOT = resolve(import.meta.dirname, '..')
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    log: { type: 'string', default: 'info' },
    out: { type: 'string' }
  }
})
const only = values.only ? values.only.split(',').map(s => s.trim()) : Object.keys(SCENARIOS)
for (const name of only) if (!SCENARIOS[name]) throw new Error(`unknown scenario '${name}'; choose from ${Object.keys(SCENARIOS).join(', ')}`)
const out = values.out ?? (values.only || values.quick ? join(ROOT, 'bench', 'RESULTS.partial.md') : join(ROOT, 'bench', 'RESULTS.md'))

const started = Date.now()
const env = environment(ROOT)
const log = (msg: string): void => { process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`) }
const rows: Row[] = []
const dir = mkdtempSync(join(tmpdir(), 'byoc-bench-'))
const profileDir = join(ROOT, 'bench', 'profiles')
if (values.profile) mkdirSync(profileDir, { recursive: true })

log('starting the CXone emulator and the baseline')
const dfo = await startChild('dfo', { channels: DFO_CHANNELS })
const baseline = await startChild('baseline', { dfoUrl: dfo.url }, ['--expose-gc'])
log(`CXone emulator pid ${dfo.pid}, baseline pid ${baseline.pid}, load generator pid ${process.pid}`)
let hubs: Child[] = []
let hubCount = 0
const ctx: Ctx = {
  quick: values.quick!,
  dfo,
  baseline,
  startHub: async (opts: HubOptions = {}) => {
    const hubDir = join(dir, `hub-${++hubCount}`)
    mkdirSync(hubDir)
    const hub = await startChild('hub', { dfoUrl: dfo.url, dir: hubDir, idleTimeout: opts.idleTimeout ?? '2m', countdown: opts.countdown ?? '20s', logLevel: values.log, driver: opts.driver ?? 'sqlite' }, ['--expose-gc'])
    hubs.push(hub)
    log(`hub started (pid ${hub.pid})`)
    return hub
  },
  log,
  profiled: async (hub, label, work) => {
    if (!values.profile) return work()
    await hub.call('profile:start')
    try {
      return await work()
    } finally {
      log(`profile: ${await hub.call<string>('profile:stop', join(profileDir, `${label}.cpuprofile`))}`)
    }
  },
  add: (row) => { rows.push(row) },
  rows: () => rows
}

let failure: unknown
try {
  for (const name of only) {
    log(`scenario ${name}: ${SCENARIOS[name]!.title}`)
    try {
      await SCENARIOS[name]!.run(ctx)
    } finally {
      for (const h of hubs) await h.stop()
      hubs = []
    }
  }
} catch (err) {
  failure = err
} finally {
  await baseline.stop()
  await dfo.stop()
  rmSync(dir, { recursive: true, force: true })
}

const minutes = (Date.now() - started) / 60_000
console.log(`\n${textTable(rows)}\n`)
const targets = rows.filter(r => r.target !== undefined)
writeFileSync(out, [
  '# byoc-hub benchmark results',
  '',
  `Written by \`npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` (bench/run.ts) in ${minutes.toFixed(1)} min${values.quick ? ', quick mode' : ''}.`,
  '',
  ...env,
  `- hub: shipped defaults (SQLite store in WAL mode, metrics, rate limits, log level ${values.log} to /dev/null), one process; the baseline, the CXone emulator (in-memory) and the load generator each in a process of their own`,
  '',
  markdownTable(rows),
  '',
  `Targets met: ${targets.filter(r => r.met).length} of ${targets.length}.`,
  '',
  'Latencies are measured by the load generator from when each request was due (open loop, no coordinated omission). "Added" is hub p99 minus baseline p99 under the same load. See bench/README.md for what each scenario does and how to read it.',
  ''
].join('\n'))
log(`wrote ${out} (${minutes.toFixed(1)} min)`)
if (failure) {
  console.error(failure)
  process.exitCode = 1
}
