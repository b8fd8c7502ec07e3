import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startChild, type Child } from './lib/rpc.js'
import type { Ctx, HubOptions, Row, Tree } from './lib/context.js'
import { DFO_CHANNELS } from './lib/constants.js'
import { environment, markdownTable, textTable } from './lib/report.js'
import { commitOf, prepareBefore } from './lib/tree.js'
import { authReply } from './scenarios/auth-reply.js'
import { relay } from './scenarios/relay.js'
import { scale } from './scenarios/scale.js'
import { redisTrips } from './scenarios/redis-trips.js'
import { soak } from './scenarios/soak.js'
import { scaleOut } from './scenarios/scale-out.js'
import { slowCxone } from './scenarios/slow-cxone.js'
import { tenants } from './scenarios/tenants.js'

/**
 * `npm run bench [-- --quick|--smoke] [-- --only=relay,scale] [-- --before=<git-ref>|none] [-- --profile] [-- --out=path]`:
 * every scenario against the hub of this checkout ("after"), the hub of the --before ref ("before", built in a
 * temporary worktree) and the bare-minimum baselines, in one run, on loopback. Prints the table and writes
 * bench/RESULTS.md.
 */
const SCENARIOS: Record<string, { title: string, run: (ctx: Ctx) => Promise<void> }> = {
  auth: { title: 'token issuance and authenticated reply', run: authReply },
  relay: { title: 'inbound relay', run: relay },
  scale: { title: 'conversations at scale (SQLite)', run: ctx => scale(ctx, 'sqlite') },
  'scale-redis': { title: 'conversations at scale (Redis)', run: ctx => scale(ctx, 'redis') },
  redis: { title: 'Redis round trips', run: redisTrips },
  soak: { title: 'memory soak', run: soak },
  'scale-out': { title: '1, 2, 3 instances on one Redis', run: scaleOut },
  slow: { title: 'slow CXone', run: slowCxone },
  tenants: { title: "one tenant's CXone down or hanging, the other's latency", run: tenants }
}
/** where issue 17 ("Performance") started */
const DEFAULT_BEFORE = '9e025ae'

const ROOT = resolve(import.meta.dirname, '..')
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    before: { type: 'string', default: DEFAULT_BEFORE },
    'drop-before': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    log: { type: 'string', default: 'info' },
    out: { type: 'string' }
  }
})
const only = values.only ? values.only.split(',').map(s => s.trim()) : Object.keys(SCENARIOS)
for (const name of only) if (!SCENARIOS[name]) throw new Error(`unknown scenario '${name}'; choose from ${Object.keys(SCENARIOS).join(', ')}`)
const quick = values.quick! || values.smoke!
const out = values.out ?? (values.only || quick ? join(ROOT, 'bench', 'RESULTS.partial.md') : join(ROOT, 'bench', 'RESULTS.md'))

const started = Date.now()
const env = environment(ROOT)
const log = (msg: string): void => { process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`) }
const dir = mkdtempSync(join(tmpdir(), 'byoc-bench-'))
const profileDir = join(ROOT, 'bench', 'profiles')
if (values.profile) mkdirSync(profileDir, { recursive: true })

const after: Tree = { label: 'after', root: ROOT, commit: commitOf(ROOT) }
const before = values.before === 'none' ? undefined : prepareBefore(ROOT, values.before!, log)
const trees: Tree[] = before ? [after, before] : [after]

log('starting the CXone emulator and the baselines')
const dfo = await startChild('dfo', { channels: DFO_CHANNELS })
const baseline = await startChild('baseline', { dfoUrl: dfo.url }, ['--expose-gc'])
const bare = await startChild('bare-fastify', {})
const express = await startChild('express-shape', {})
log(`CXone emulator pid ${dfo.pid}, baseline pid ${baseline.pid}, bare Fastify pid ${bare.pid}, Express shape pid ${express.pid}, load generator pid ${process.pid}`)
let hubs: Child[] = []
let hubCount = 0
const rowsOf: Record<Tree['label'], Row[]> = { after: [], before: [] }
const ctxFor = (tree: Tree): Ctx => ({
  quick,
  smoke: values.smoke!,
  dfo,
  baseline,
  bare,
  express,
  tree,
  startHub: async (opts: HubOptions = {}) => {
    const hubDir = join(dir, `hub-${++hubCount}`)
    mkdirSync(hubDir)
    const hub = await startChild('hub', {
      root: tree.root, dfoUrl: dfo.url, dir: hubDir, logLevel: values.log,
      idleTimeout: opts.idleTimeout ?? '2m', countdown: opts.countdown ?? '20s', idleMode: opts.idleMode,
      driver: opts.driver ?? 'sqlite', redisUrl: opts.redisUrl, keyPrefix: opts.keyPrefix, tenants: opts.tenants
    }, ['--expose-gc'])
    hubs.push(hub)
    log(`${tree.label} hub (${tree.commit}, ${opts.driver ?? 'sqlite'}) started (pid ${hub.pid})`)
    return hub
  },
  log,
  profiled: async (hub, label, work) => {
    if (!values.profile) return work()
    await hub.call('profile:start')
    try {
      return await work()
    } finally {
      log(`profile: ${await hub.call<string>('profile:stop', join(profileDir, `${tree.label}-${label}.cpuprofile`))}`)
    }
  },
  add: (row) => { rowsOf[tree.label].push(row) },
  rows: () => rowsOf[tree.label]
})

// a scenario that fails is reported (and makes the exit code 1); the others still run
const failures: string[] = []
try {
  // scenario by scenario, after then before, so both hubs meet the machine in the same state
  for (const name of only) {
    for (const tree of trees) {
      log(`scenario ${name}: ${SCENARIOS[name]!.title} (${tree.label}, ${tree.commit})`)
      try {
        await SCENARIOS[name]!.run(ctxFor(tree))
      } catch (err) {
        log(`scenario ${name} (${tree.label}) FAILED: ${(err as Error).stack ?? String(err)}`)
        failures.push(`${name} (${tree.label}, ${tree.commit}): ${(err as Error).message.split('\n')[0]}`)
      } finally {
        for (const h of hubs) await h.stop()
        hubs = []
      }
    }
  }
} finally {
  await Promise.all([baseline.stop(), bare.stop(), express.stop()])
  await dfo.stop()
  rmSync(dir, { recursive: true, force: true })
  if (before && values['drop-before']) before.drop()
}

// one table: the after run's rows, each with the same metric of the before run beside it
const key = (r: Row): string => `${r.scenario}\u0000${r.metric}`
const beforeRows = new Map(rowsOf.before.map(r => [key(r), r]))
const rows: Row[] = rowsOf.after.map(r => {
  const b = beforeRows.get(key(r))
  return b ? { ...r, before: b.hub, ...(b.met !== undefined ? { metBefore: b.met } : {}) } : r
})
const minutes = (Date.now() - started) / 60_000
const withBefore = before !== undefined
console.log(`\n${textTable(rows, withBefore)}\n`)
const targets = rows.filter(r => r.target !== undefined)
const beforeNotes = rowsOf.before.filter(r => r.note).map(r => `- ${r.scenario}, ${r.metric}: ${r.note}`)
writeFileSync(out, [
  '# byoc-hub benchmark results',
  '',
  `Written by \`npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` (bench/run.ts) in ${minutes.toFixed(1)} min${values.smoke ? ', smoke mode' : quick ? ', quick mode' : ''}.`,
  '',
  ...env,
  `- after: this checkout (${after.commit}); before: ${before ? `\`${values.before}\` (${before.commit}), built in a temporary worktree` : 'not measured (--before=none)'}`,
  `- hub: shipped defaults (SQLite store in WAL mode unless the row says Redis, metrics, rate limits, log level ${values.log} to /dev/null), one process per instance, started through createHub from the tree measured; the baselines, the CXone emulator (in-memory) and the load generator each in a process of their own`,
  '',
  markdownTable(rows, withBefore),
  '',
  ...(failures.length ? ['**Scenarios that failed** (their rows are missing or partial):', '', ...failures.map(f => `- ${f}`), ''] : []),
  `Targets met: after ${targets.filter(r => r.met).length} of ${targets.length}${withBefore ? `; before ${targets.filter(r => r.metBefore).length} of ${targets.length}` : ''}.`,
  '',
  'Latencies are measured by the load generator from when each request was due (open loop, no coordinated omission). "Added" is hub p99 minus baseline p99 under the same load. The baseline column was measured next to the after hub; the before verdicts compare with the baseline measured next to the before hub. See bench/README.md for what each row does and how to read it.',
  ...(beforeNotes.length ? ['', '<details><summary>Notes of the before run</summary>', '', ...beforeNotes, '', '</details>'] : []),
  ''
].join('\n'))
log(`wrote ${out} (${minutes.toFixed(1)} min)`)
if (failures.length) console.error(`scenarios that failed:\n${failures.join('\n')}`)
// every child was stopped above; exit rather than wait on a client a failed scenario may have left connected
process.exit(failures.length ? 1 : 0)
