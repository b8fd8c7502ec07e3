// The long reliability suite (npm run test:reliability). Files that measure load, latency, memory or time run one
// at a time: with two cores, two of them side by side measure each other (issue 14: L-1 failed only beside L-5).
// T-5 (production timer values on the wall clock) mostly sleeps for four minutes, so it runs beside the serial phase
// with its output held back; the security checks that assert outcomes, not timings, run two at a time afterwards.
// Prints each phase's and the whole run's wall time at the end.
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const testsIn = (dir) => readdirSync(join(root, dir)).filter(f => f.endsWith('.test.ts')).sort().map(f => `${dir}/${f}`)

// measured files: each needs the machine to itself
const MEASURED_SECURITY = ['test/reliability/security/fuzz.test.ts', 'test/reliability/security/framing.test.ts']
const WALL_CLOCK = 'test/reliability/long/wall-clock.test.ts'
const phases = {
  serial: {
    label: 'serial: load, soak, faults, process, timers, ha, fuzz, framing', jobs: 1, files: [
      ...testsIn('test/reliability/load'), 'test/reliability/long/soak.test.ts', ...testsIn('test/reliability/faults'),
      ...testsIn('test/reliability/process'), ...testsIn('test/reliability/timers'), ...testsIn('test/ha'), ...MEASURED_SECURITY
    ]
  },
  wallClock: { label: 'beside the serial phase: T-5 wall clock', jobs: 1, files: [WALL_CLOCK] },
  security: { label: 'two at a time: the other security files', jobs: 2, files: testsIn('test/reliability/security').filter(f => !MEASURED_SECURITY.includes(f)) }
}

const env = { ...process.env, RELIABILITY_LONG: '1' }
const tap = join(root, 'node_modules/.bin/tap')
/** Runs one tap invocation; `quiet` collects its output to print later instead of interleaving it. */
function run (phase, quiet = false) {
  const t0 = performance.now()
  return new Promise(resolve => {
    const child = spawn(tap, ['--timeout=900', `--jobs=${phase.jobs}`, ...phase.files], { cwd: root, env, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' })
    let held = ''
    if (quiet) { child.stdout.on('data', d => { held += d }); child.stderr.on('data', d => { held += d }) }
    child.on('exit', code => resolve({ ...phase, status: code ?? 1, seconds: (performance.now() - t0) / 1000, held }))
  })
}

const started = performance.now()
const wallClock = run(phases.wallClock, true)
const results = [await run(phases.serial)]
results.push(await run(phases.security))
const t5 = await wallClock
process.stdout.write(`\n# ${t5.label}\n${t5.held}`)
results.push(t5)
const total = (performance.now() - started) / 1000
const mmss = (s) => `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`
console.log('\nreliability suite wall time:')
for (const r of results) console.log(`  ${r.status === 0 ? 'pass' : 'FAIL'}  ${mmss(r.seconds)}  ${r.files.length} files  ${r.label}`)
console.log(`  total ${mmss(total)} (budget 20m)`)
process.exit(results.every(r => r.status === 0) ? 0 : 1)
