import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from '../helper.js'
import { exportedMetricNames, metricNamesIn } from './support.js'
import { promtool } from './prometheus.js'

const run = promisify(execFile)
const DIR = join(ROOT, 'config/prometheus')
const RULES = join(DIR, 'byoc-hub-rules.yml')

interface Rule { record?: string, alert?: string, expr: string, for?: string, labels?: Record<string, string>, annotations?: Record<string, string> }

t.test('promtool: the rules check, and their unit tests pass', { skip: promtool ? false : 'promtool not installed (Debian package prometheus; .ci/run installs it)' }, async t => {
  const check = await run(promtool!, ['check', 'rules', RULES])
  t.match(check.stdout, /SUCCESS: \d+ rules found/)
  const config = await run(promtool!, ['check', 'config', join(DIR, 'prometheus.yml')])
  t.match(config.stdout, /SUCCESS/)
  const tests = await run(promtool!, ['test', 'rules', 'byoc-hub-rules.test.yml'], { cwd: join(DIR, 'tests') })
  t.match(tests.stdout, /SUCCESS/)
})

t.test('every alert is actionable and every metric the rules read is one the hub exports', async t => {
  const doc = parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ name: string, rules: Rule[] }> }
  const rules = doc.groups.flatMap(g => g.rules)
  const alerts = rules.filter(r => r.alert)
  t.same(alerts.map(a => a.alert).sort(), [
    'ByocCxoneErrors', 'ByocCxoneTokenFailing', 'ByocDeadLetters', 'ByocDown', 'ByocLatencyBudgetBurnFast', 'ByocLatencyBudgetBurnSlow',
    'ByocNotReady', 'ByocOutboxBacklog'
  ])
  for (const a of alerts) {
    t.ok(['page', 'ticket'].includes(a.labels?.severity ?? ''), `${a.alert} has a severity`)
    t.ok(a.annotations?.summary && a.annotations.description, `${a.alert} says what and what to do`)
  }

  const exported = await exportedMetricNames(t)
  const used = metricNamesIn(rules.map(r => r.expr))
  t.ok(used.size >= 6)
  for (const name of used) t.ok(exported.has(name), `${name} is exported by the hub`)
  // the SLO reads the bucket at exactly the budget
  t.ok(rules.some(r => r.expr.includes('byoc_http_request_duration_seconds_bucket{le="0.5"}')))
})
