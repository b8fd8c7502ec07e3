import t from 'tap'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../helper.js'
import { testDir } from '../test-dir.js'

/**
 * The bench harness still runs: `bench/run.ts --smoke --before=none` (every scenario at its smallest, against this
 * checkout's built hub only) must finish and write a table with a row per scenario and a verdict on every target.
 * No figure is judged here: timing belongs to `npm run bench`, on a quiet machine.
 */
// the whole harness starts about a dozen hubs one after another: more than the suite's 180 s per file on a busy box
t.setTimeout(900_000)

t.test('bench smoke run: every scenario runs and reports', { timeout: 900_000 }, async t => {
  const dir = testDir(t)
  const out = join(dir, 'RESULTS.smoke.md')
  const child = spawn(process.execPath, ['--import=@isaacs/ts-node-temp-fork-for-pr-2009/import', 'bench/run.ts', '--smoke', '--before=none', '--log=warn', `--out=${out}`], {
    cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' }, stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGTERM') })
  let output = ''
  child.stdout.on('data', (d: Buffer) => { output += d.toString() })
  child.stderr.on('data', (d: Buffer) => { output += d.toString() })
  const code = await new Promise<number | null>(resolve => child.once('exit', resolve))
  t.equal(code, 0, 'the bench exited cleanly', { output: output.slice(-4000) })
  const table = readFileSync(out, 'utf8').split('\n').filter(l => l.startsWith('| ') && !l.startsWith('| scenario'))
  const scenarios = new Set(table.map(l => l.split(' | ')[0]!.slice(2)))
  for (const s of ['token + reply', 'inbound relay', 'conversations at scale', 'conversations at scale (Redis)', 'Redis driver', 'memory soak (L-5 style)', 'scale-out on one Redis (2-core box)', 'slow CXone (+300 ms)', "tenants: acme's CXone fails, globex measured"]) {
    t.ok(scenarios.has(s), `rows for ${s}`)
  }
  const targeted = table.map(l => l.split(' | ')).filter(cells => cells[6] !== '')
  t.ok(targeted.length >= 10, `${targeted.length} target rows`)
  for (const cells of targeted) t.match(cells[7], /^(met|NOT met)$/, `${cells[1]}: a verdict`)
  t.notMatch(readFileSync(out, 'utf8'), /\| NaN \|/, 'no figure is NaN')
})
