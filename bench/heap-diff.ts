import { readFileSync } from 'node:fs'

/**
 * `node bench/heap-diff.ts <before.heapsnapshot> <after.heapsnapshot> [--top=30] [--sort=self|retained|count|new]
 * [--retainers=Name[,Name]]` (use the loader as in package.json's bench script): what grew between two V8 heap
 * snapshots of one process, by constructor. Per constructor: live objects, self size, retained size (what freeing
 * every instance would free: the dominator tree over strong edges, counted once per outermost instance), and how
 * many of the after snapshot's objects are new (V8 keeps a node's id across snapshots of one process, so an id absent
 * from the first snapshot is an object allocated since and still alive). `--retainers` names who holds a class's new
 * objects (owner constructor and edge), which is where a leak's owner shows. docs/memory.md uses it on the L-5 soak.
 */

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[], node_types: [string[], ...unknown[]], edge_fields: string[], edge_types: [string[], ...unknown[]] } }
  nodes: number[]
  edges: number[]
  strings: string[]
}

interface ClassStats { count: number, self: number, retained: number, fresh: number }

export interface Heap {
  /** node count */
  n: number
  ids: Float64Array
  selfSize: Float64Array
  classOf: Int32Array
  classNames: string[]
  /** retained size per node (the dominator tree's subtree), 0 for nodes unreachable from the root */
  retained: Float64Array
  /** immediate dominator per node (-1: unreachable), and the reachable nodes in depth-first postorder */
  idom: Int32Array
  order: number[]
  /** incoming strong edges: `inStart[n]..inStart[n+1]` index `inFrom` / `inName` */
  inStart: Int32Array
  inFrom: Int32Array
  inName: string[]
  totalSelf: number
}

/** The grouping DevTools' summary view uses, near enough: objects by constructor, the rest by kind */
function className (type: string, name: string): string {
  switch (type) {
    case 'object': case 'native': return name
    case 'closure': return '(closure)'
    case 'string': case 'concatenated string': case 'sliced string': return '(string)'
    case 'code': return '(compiled code)'
    case 'array': case 'hidden': return name === '' ? `(${type})` : name.startsWith('(') || name.startsWith('system /') ? name : `(${type}) ${name}`.slice(0, 60)
    default: return `(${type})`
  }
}

export function loadHeap (file: string): Heap {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawSnapshot
  const meta = raw.snapshot.meta
  const nf = meta.node_fields.length
  const ef = meta.edge_fields.length
  const [nType, nName, nId, nSelf, nEdges] = ['type', 'name', 'id', 'self_size', 'edge_count'].map(f => meta.node_fields.indexOf(f)) as [number, number, number, number, number]
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map(f => meta.edge_fields.indexOf(f)) as [number, number, number]
  const nodeTypes = meta.node_types[0]
  const edgeTypes = meta.edge_types[0]
  const weak = edgeTypes.indexOf('weak')
  const shortcut = edgeTypes.indexOf('shortcut')
  const nameIsString = new Set(['context', 'property', 'internal', 'shortcut', 'weak'].map(t => edgeTypes.indexOf(t)))
  const n = raw.nodes.length / nf
  const ids = new Float64Array(n)
  const selfSize = new Float64Array(n)
  const classOf = new Int32Array(n)
  const firstEdge = new Int32Array(n + 1)
  const classIndex = new Map<string, number>()
  const classNames: string[] = []
  let totalSelf = 0
  for (let i = 0; i < n; i++) {
    const o = i * nf
    ids[i] = raw.nodes[o + nId]!
    selfSize[i] = raw.nodes[o + nSelf]!
    totalSelf += selfSize[i]!
    firstEdge[i + 1] = firstEdge[i]! + raw.nodes[o + nEdges]! * ef
    const cls = className(nodeTypes[raw.nodes[o + nType]!]!, raw.strings[raw.nodes[o + nName]!]!)
    let c = classIndex.get(cls)
    if (c === undefined) { c = classNames.length; classIndex.set(cls, c); classNames.push(cls) }
    classOf[i] = c
  }
  // strong edges only: a weak edge (WeakRef, WeakMap key) keeps nothing alive; shortcuts duplicate other paths
  const strong = (e: number): boolean => raw.edges[e + eType] !== weak && raw.edges[e + eType] !== shortcut
  const inCount = new Int32Array(n + 1)
  for (let e = 0; e < raw.edges.length; e += ef) if (strong(e)) inCount[raw.edges[e + eTo]! / nf + 1]!++
  const inStart = new Int32Array(n + 1)
  for (let i = 0; i < n; i++) inStart[i + 1] = inStart[i]! + inCount[i + 1]!
  const inFrom = new Int32Array(inStart[n]!)
  const inName: string[] = new Array<string>(inStart[n]!)
  const fill = inStart.slice()
  for (let from = 0; from < n; from++) {
    for (let e = firstEdge[from]!; e < firstEdge[from + 1]!; e += ef) {
      if (!strong(e)) continue
      const to = raw.edges[e + eTo]! / nf
      const slot = fill[to]!++
      inFrom[slot] = from
      const t = raw.edges[e + eType]!
      inName[slot] = nameIsString.has(t) ? String(raw.strings[raw.edges[e + eName]!]) : `[${raw.edges[e + eName]}]`
    }
  }
  // depth-first postorder from the root (node 0) over strong edges, iteratively
  const post = new Int32Array(n).fill(-1)
  const order: number[] = []
  const visited = new Uint8Array(n)
  const stack: number[] = [0]
  const cursor = new Int32Array(n)
  visited[0] = 1
  for (let i = 0; i < n; i++) cursor[i] = firstEdge[i]!
  while (stack.length > 0) {
    const v = stack[stack.length - 1]!
    let pushed = false
    while (cursor[v]! < firstEdge[v + 1]!) {
      const e = cursor[v]!
      cursor[v] = e + ef
      if (!strong(e)) continue
      const to = raw.edges[e + eTo]! / nf
      if (visited[to] === 0) { visited[to] = 1; stack.push(to); pushed = true; break }
    }
    if (!pushed) { stack.pop(); post[v] = order.length; order.push(v) }
  }
  // immediate dominators: Cooper, Harvey and Kennedy's iterative algorithm, in reverse postorder
  const idom = new Int32Array(n).fill(-1)
  idom[0] = 0
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (post[a]! < post[b]!) a = idom[a]!
      while (post[b]! < post[a]!) b = idom[b]!
    }
    return a
  }
  for (let changed = true; changed;) {
    changed = false
    for (let k = order.length - 2; k >= 0; k--) {
      const v = order[k]!
      let d = -1
      for (let s = inStart[v]!; s < inStart[v + 1]!; s++) {
        const p = inFrom[s]!
        if (idom[p] === -1 || post[p] === -1) continue
        d = d === -1 ? p : intersect(p, d)
      }
      if (d !== -1 && idom[v] !== d) { idom[v] = d; changed = true }
    }
  }
  // a node's dominator comes later in postorder, so one pass in postorder sums each subtree
  const retained = new Float64Array(n)
  for (const v of order) retained[v]! += selfSize[v]!
  for (const v of order) if (v !== 0) retained[idom[v]!]! += retained[v]!
  return { n, ids, selfSize, classOf, classNames, retained, idom, order, inStart, inFrom, inName, totalSelf }
}

/**
 * Per class: count, self, fresh (ids not in `known`), and retained counted once per outermost instance (an instance
 * dominated by another instance of its own class is already inside that one's retained size).
 */
export function byClass (heap: Heap, known?: Set<number>): Map<string, ClassStats> {
  const { idom, order } = heap
  const stats = heap.classNames.map((): ClassStats => ({ count: 0, self: 0, retained: 0, fresh: 0 }))
  for (let i = 0; i < heap.n; i++) {
    const s = stats[heap.classOf[i]!]!
    s.count++
    s.self += heap.selfSize[i]!
    if (known !== undefined && !known.has(heap.ids[i]!)) s.fresh++
  }
  // outermost: walk the dominator tree from the root, counting open instances of each class on the current path
  const children = new Int32Array(heap.n + 1)
  for (const v of order) if (v !== 0) children[idom[v]! + 1]!++
  for (let i = 0; i < heap.n; i++) children[i + 1]! += children[i]!
  const kids = new Int32Array(children[heap.n]!)
  const fill = children.slice()
  for (const v of order) if (v !== 0) kids[fill[idom[v]!]!++] = v
  const open = new Int32Array(heap.classNames.length)
  const stack: number[] = [0]
  const exiting = new Uint8Array(heap.n)
  while (stack.length > 0) {
    const v = stack.pop()!
    const c = heap.classOf[v]!
    if (exiting[v] === 1) { open[c]!--; continue }
    if (open[c] === 0) stats[c]!.retained += heap.retained[v]!
    open[c]!++
    exiting[v] = 1
    stack.push(v)
    for (let k = children[v]!; k < children[v + 1]!; k++) stack.push(kids[k]!)
  }
  return new Map(heap.classNames.map((name, c) => [name, stats[c]!]))
}

/** Who holds a class's objects that are new since `known`: owner class + edge name, most common first */
export function retainersOf (heap: Heap, cls: string, known: Set<number>, top = 8): Array<[string, number]> {
  const c = heap.classNames.indexOf(cls)
  const holders = new Map<string, number>()
  for (let i = 0; i < heap.n; i++) {
    if (heap.classOf[i] !== c || known.has(heap.ids[i]!)) continue
    for (let s = heap.inStart[i]!; s < heap.inStart[i + 1]!; s++) {
      const key = `${heap.classNames[heap.classOf[heap.inFrom[s]!]!]} .${heap.inName[s]!.replace(/^\[?\d+\]?$/, '[i]')}`
      holders.set(key, (holders.get(key) ?? 0) + 1)
    }
  }
  return [...holders].sort((a, b) => b[1] - a[1]).slice(0, top)
}

const mb = (bytes: number): string => (bytes / 1048576).toFixed(2)
const kb = (bytes: number): string => (bytes / 1024).toFixed(0)
const signed = (x: string): string => x.startsWith('-') ? x : `+${x}`

function main (): void {
  const args = process.argv.slice(2)
  const option = (name: string, fallback: string): string => args.find(a => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=') ?? fallback
  const [fileA, fileB] = args.filter(a => !a.startsWith('--'))
  if (fileA === undefined || fileB === undefined) throw new Error('usage: heap-diff <before.heapsnapshot> <after.heapsnapshot> [--top=30] [--sort=self|retained|count|new] [--retainers=Name,...]')
  const top = Number(option('top', '30'))
  const sort = option('sort', 'self')
  const a = loadHeap(fileA)
  const b = loadHeap(fileB)
  const known = new Set<number>(a.ids)
  const sa = byClass(a)
  const sb = byClass(b, known)
  const zero: ClassStats = { count: 0, self: 0, retained: 0, fresh: 0 }
  const rows = [...new Set([...sa.keys(), ...sb.keys()])].map(name => {
    const x = sa.get(name) ?? zero
    const y = sb.get(name) ?? zero
    return { name, x, y, dCount: y.count - x.count, dSelf: y.self - x.self, dRetained: y.retained - x.retained }
  })
  const key = { self: (r: typeof rows[0]) => Math.abs(r.dSelf), retained: (r: typeof rows[0]) => Math.abs(r.dRetained), count: (r: typeof rows[0]) => Math.abs(r.dCount), new: (r: typeof rows[0]) => r.y.fresh }[sort]
  if (key === undefined) throw new Error(`--sort: self, retained, count or new, not ${sort}`)
  console.log(`before: ${fileA}: ${a.n} objects, ${mb(a.totalSelf)} MB`)
  console.log(`after:  ${fileB}: ${b.n} objects, ${mb(b.totalSelf)} MB (${signed(mb(b.totalSelf - a.totalSelf))} MB; ${b.ids.filter(id => !known.has(id)).length} objects allocated since and alive)`)
  console.log('\n| constructor | count before | count after | Δ count | new since before | self KB before | self KB after | Δ self KB | Δ retained KB |')
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const r of rows.sort((p, q) => key(q) - key(p)).slice(0, top)) {
    console.log(`| ${r.name.replace(/\|/g, '\\|').slice(0, 70)} | ${r.x.count} | ${r.y.count} | ${signed(String(r.dCount))} | ${r.y.fresh} | ${kb(r.x.self)} | ${kb(r.y.self)} | ${signed(kb(r.dSelf))} | ${signed(kb(r.dRetained))} |`)
  }
  for (const cls of option('retainers', '').split(',').filter(Boolean)) {
    console.log(`\nnew ${cls} objects are held by:`)
    for (const [holder, count] of retainersOf(b, cls, known)) console.log(`  ${String(count).padStart(8)}  ${holder}`)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main()
