import t from 'tap'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { byClass, loadHeap, retainersOf } from '../../bench/heap-diff.js'
import { testDir } from '../test-dir.js'

// two real V8 heap snapshots of a child process between which 5 000 objects are kept in a Map and 3 000 more are
// reachable only through WeakRefs: the diff must find the first as growth held by the Map, and must not count the
// second in anyone's retained size
t.test('heap-diff: finds objects kept since the first snapshot, their holder, and what they retain', async t => {
  const dir = testDir(t, {})
  const script = `
    const v8 = require('node:v8')
    class LeakyEntry { constructor (i) { this.i = i; this.blob = new Array(32).fill(i) } }
    class WeaklyHeld { constructor (i) { this.i = i; this.blob = new Array(32).fill(i) } }
    class Registry { constructor () { this.entries = new Map(); this.refs = [] } }
    const registry = globalThis.registry = new Registry()
    const strong = globalThis.strong = []
    for (let i = 0; i < 100; i++) registry.entries.set(i, new LeakyEntry(i))
    v8.writeHeapSnapshot(${JSON.stringify(join(dir, 'a.heapsnapshot'))})
    for (let i = 100; i < 5100; i++) registry.entries.set(i, new LeakyEntry(i))
    for (let i = 0; i < 3000; i++) { const w = new WeaklyHeld(i); registry.refs.push(new WeakRef(w)); strong.push(w) }
    v8.writeHeapSnapshot(${JSON.stringify(join(dir, 'b.heapsnapshot'))})
  `
  execFileSync(process.execPath, ['-e', script])
  const a = loadHeap(join(dir, 'a.heapsnapshot'))
  const b = loadHeap(join(dir, 'b.heapsnapshot'))
  const known = new Set<number>(a.ids)
  const before = byClass(a)
  const after = byClass(b, known)
  const leaky = after.get('LeakyEntry')!
  t.equal(before.get('LeakyEntry')!.count, 100)
  t.equal(leaky.count, 5100)
  t.equal(leaky.fresh, 5000, 'the 5 000 kept since the first snapshot are new; the first 100 kept their ids')
  t.ok(leaky.retained > leaky.self, 'each entry retains its array')
  const registry = after.get('Registry')!
  t.ok(registry.retained >= leaky.retained, `the Registry retains its entries (${registry.retained} >= ${leaky.retained} bytes)`)
  // WeaklyHeld is also held strongly by the global array `strong`, never through the Registry's WeakRefs
  const weak = after.get('WeaklyHeld')!
  t.equal(weak.count, 3000)
  t.ok(registry.retained < leaky.retained + weak.retained, 'a WeakRef does not make its target part of the holder\'s retained size')
  const holders = retainersOf(b, 'LeakyEntry', known, 50)
  // the Map's backing table holds every one (the last one made may also sit in a handle of the running script)
  t.match(holders[0], [/\(array\)/, 5000], `the most common holder is the Map's backing table: ${holders[0]!.join(' x')}`)
})
