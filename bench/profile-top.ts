import { readFileSync } from 'node:fs'

/**
 * `node bench/profile-top.ts <file.cpuprofile> [n]`: where a CPU profile from `npm run bench -- --profile`
 * spent its time, by function (self time) and by file (self time summed), so the largest cost is named.
 */
interface Node { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }
interface Profile { nodes: Node[], samples: number[], timeDeltas: number[] }

const [file, n = '30'] = process.argv.slice(2)
if (!file) throw new Error('usage: profile-top <file.cpuprofile> [n]')
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile
const self = new Map<number, number>()
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)))
const total = [...self.values()].reduce((a, b) => a + b, 0)
const byFn = new Map<string, number>()
const byFile = new Map<string, number>()
for (const node of p.nodes) {
  const t = self.get(node.id) ?? 0
  const where = node.callFrame.url.replace(/^file:\/\//, '').replace(/.*node_modules\//, 'nm:').replace(/.*\/work\/[^/]+\//, '')
  const fn = `${node.callFrame.functionName || '(anonymous)'} ${where}:${node.callFrame.lineNumber + 1}`
  byFn.set(fn, (byFn.get(fn) ?? 0) + t)
  const pkg = where.startsWith('nm:') ? where.split('/').slice(0, where.startsWith('nm:@') ? 2 : 1).join('/') : where || node.callFrame.functionName
  byFile.set(pkg, (byFile.get(pkg) ?? 0) + t)
}
const show = (title: string, m: Map<string, number>): void => {
  console.log(`\n${title}`)
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) console.log(`${(100 * v / total).toFixed(1).padStart(5)}%  ${k}`)
}
show('self time by function', byFn)
show('self time by file or package', byFile)
