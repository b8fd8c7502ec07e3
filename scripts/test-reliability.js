// The long reliability suite (npm run test:reliability). Files that measure load, latency, memory or time run one
// at a time: with two cores, two of them side by side measure each other (issue 14: L-1 failed only beside L-5).
// The rest (security checks that assert outcomes, and T-5, which mostly waits on the wall clock) run two at a time.
// Prints each phase's and the whole run's wall time at the end.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const testsIn = (dir) => readdirSync(join(root, dir)).filter(f => f.endsWith('.test.ts')).sort().map(f => `${dir}/${f}`)

// measured files: each needs the machine to itself
const MEASURED_SECURITY = new Set(['test/reliability/security/fuzz.test.ts', 'test/reliability/security/framing.test.ts'])
const serial = [
  ...testsIn('test/reliability/load'),
  'test/reliability/long/soak.test.ts',
  ...testsIn('test/reliability/faults'),
  ...testsIn('test/reliability/process'),
  ...testsIn('test/reliability/timers'),
  ...testsIn('test/ha'),
  ...MEASURED_SECURITY
]
const parallel = [
  'test/reliability/long/wall-clock.test.ts',
  ...testsIn('test/reliability/security').filter(f => !MEASURED_SECURITY.has(f))
]

const env = { ...process.env, RELIABILITY_LONG: '1' }
const tap = join(root, 'node_modules/.bin/tap')
const phases = [
  { name: 'serial (load, soak, faults, process, timers, ha, fuzz, framing)', args: ['--jobs=1', ...serial] },
  { name: 'parallel (security, T-5 wall clock)', args: ['--jobs=2', ...parallel] }
]
const started = performance.now()
const results = []
for (const phase of phases) {
  const t0 = performance.now()
  const run = spawnSync(tap, ['--timeout=900', ...phase.args], { cwd: root, env, stdio: 'inherit' })
  results.push({ name: phase.name, files: phase.args.length - 1, status: run.status ?? 1, seconds: (performance.now() - t0) / 1000 })
}
const total = (performance.now() - started) / 1000
const mmss = (s) => `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`
console.log('\nreliability suite wall time:')
for (const r of results) console.log(`  ${r.status === 0 ? 'pass' : 'FAIL'}  ${mmss(r.seconds)}  ${r.files} files  ${r.name}`)
console.log(`  total ${mmss(total)} (budget 20m)`)
process.exit(results.every(r => r.status === 0) ? 0 : 1)
