import os from 'node:os'
import { readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import type { Row } from './context.js'

const fmt = (n: number | undefined): string => n === undefined ? '' : !Number.isFinite(n) ? String(n) : Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2)
const ratio = (r: Row): string => r.baseline === undefined || r.baseline === 0 ? '' : `${(r.hub / r.baseline).toFixed(2)}×`
const verdict = (met: boolean | undefined): string => met === undefined ? '' : met ? 'met' : 'NOT met'

/** With a --before run: before | after | baseline; without: hub | baseline. */
export function rowsAsCells (rows: Row[], withBefore: boolean): string[][] {
  return rows.map(r => [
    // a row the before tree could not measure (a feature it lacks, or its scenario failed) reads n/a there
    r.scenario, r.metric, r.unit, ...(withBefore ? [r.before === undefined ? 'n/a' : fmt(r.before)] : []), fmt(r.hub), fmt(r.baseline), ratio(r), r.target ?? '',
    ...(withBefore ? [verdict(r.metBefore)] : []), verdict(r.met), r.note ?? ''
  ])
}
const head = (withBefore: boolean): string[] => withBefore
  ? ['scenario', 'metric', 'unit', 'before', 'after', 'baseline', 'after/baseline', 'target', 'before', 'after', 'notes (after)']
  : ['scenario', 'metric', 'unit', 'hub', 'baseline', 'hub/baseline', 'target', 'verdict', 'notes']
const numeric = (withBefore: boolean, c: number): boolean => c >= 3 && c <= (withBefore ? 6 : 5)

/** The table for the terminal. */
export function textTable (rows: Row[], withBefore: boolean): string {
  const HEAD = head(withBefore)
  const cells = [HEAD, ...rowsAsCells(rows, withBefore)]
  const widths = HEAD.map((_, c) => Math.max(...cells.map(r => r[c]!.length)))
  return cells.map((r, i) => {
    const line = r.map((cell, c) => numeric(withBefore, c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)).join('  ').trimEnd()
    return i === 0 ? `${line}\n${widths.map(w => '-'.repeat(w)).join('  ')}` : line
  }).join('\n')
}

export function markdownTable (rows: Row[], withBefore: boolean): string {
  const HEAD = head(withBefore)
  const esc = (s: string): string => s.replace(/\|/g, '\\|')
  return [`| ${HEAD.join(' | ')} |`, `|${HEAD.map((_, i) => numeric(withBefore, i) ? '---:' : '---').join('|')}|`,
    ...rowsAsCells(rows, withBefore).map(r => `| ${r.map(esc).join(' | ')} |`)].join('\n')
}

const require = createRequire(import.meta.url)
const version = (pkg: string): string => {
  try { return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version } catch { return '?' }
}

/** Machine and versions, so figures from different runs can be compared. */
export function environment (root: string): string[] {
  let commit = '?'
  try { commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim() } catch { /* not a clone */ }
  const cpus = os.cpus()
  return [
    `- machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()} (${os.arch()})`,
    `- load average at start: ${os.loadavg().map(l => l.toFixed(2)).join(' / ')}`,
    `- node ${process.version}; fastify ${version('fastify')}, better-sqlite3 ${version('better-sqlite3')}, undici ${version('undici')}, ws ${version('ws')}, autocannon ${version('autocannon')}`,
    `- byoc-hub commit ${commit}`
  ]
}
