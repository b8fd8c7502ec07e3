import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { request } from 'undici'
import type { Test } from 'tap'
import { startProcessRig } from '../test/reliability/harness/process-rig.js'
import { sampleMemory, takeHeapSnapshot, type MemorySample } from '../test/reliability/harness/process-memory.js'

/**
 * The L-5 soak's load (test/reliability/long/soak.test.ts: a hub process on SQLite, idle rule any-message 2 s +
 * 400 ms countdown, each conversation 3 messages 200 ms apart, a new conversation every 30 ms = 100 msg/s), cut into
 * rounds of equal work, with the hub's memory compared at the same quiet point after each round: every conversation
 * ended at CXone, the outbox drained. What the hub still holds then, beyond round 1 (the warm-up), is what the work
 * left behind, whatever the machine's load made of the timing (the soak's time windows mix in the backlog a busy
 * machine builds). A heap snapshot at each quiet point feeds bench/heap-diff.ts. docs/memory.md has the findings.
 *
 *   npm run build && TS_NODE_TRANSPILE_ONLY=1 node --import=@isaacs/ts-node-temp-fork-for-pr-2009/import \
 *     bench/soak-memory.ts [--rounds=4] [--conversations=2000] [--out=dir] [--malloc-arena-max=2] [--no-snapshots]
 */
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '4' },
    conversations: { type: 'string', default: '2000' },
    out: { type: 'string' },
    'malloc-arena-max': { type: 'string' },
    'no-snapshots': { type: 'boolean', default: false }
  }
})
const rounds = Number(values.rounds)
const perRound = Number(values.conversations)
const out = values.out ?? mkdtempSync(join(tmpdir(), 'byoc-soak-memory-'))
mkdirSync(out, { recursive: true })
const snapshots = !values['no-snapshots']

const teardowns: Array<() => unknown> = []
const dirs: string[] = []
const rigTest = {
  testdir: () => { const d = mkdtempSync(join(tmpdir(), 'byoc-soak-memory-rig-')); dirs.push(d); return d },
  teardown: (fn: () => unknown) => { teardowns.push(fn) }
} as unknown as Test

// the hub inherits this environment: glibc reads MALLOC_ARENA_MAX at start; a loaded machine can take the hub > 30 s to load
if (values['malloc-arena-max']) process.env.MALLOC_ARENA_MAX = values['malloc-arena-max']
process.env.BYOC_HUB_START_TIMEOUT_MS ??= '180000'
interface Quiet { round: number, conversations: number, memory: MemorySample, snapshot?: string, busy503: number }
const quiet: Quiet[] = []
try {
  const metricsPort = 20_000 + Math.floor(Math.random() * 20_000)
  const rig = await startProcessRig(rigTest, {
    server: { rateLimit: { max: 10_000_000 } },
    rules: { idle: { mode: 'any-message', timeout: '2s', countdown: '400ms' } },
    delivery: { concurrency: 32 },
    metrics: { port: metricsPort }
  }, snapshots ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${out}`] : [])
  delete process.env.MALLOC_ARENA_MAX
  const pid = rig.hub().child.pid!
  const url = `${rig.hub().url}/channels/recorder/inbound`
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`
  const during: MemorySample[] = []
  const sampler = setInterval(() => { sampleMemory(pid, metricsUrl).then(s => during.push(s), () => {}) }, 5000)
  teardowns.push(() => clearInterval(sampler))
  const threads = new Set<string>()
  const closed = (): number => rig.cxone.calls.filter(c => c.method === 'PUT' && /\/threads\/[^/]+$/.test(c.path) && c.status < 300).length
  let busy503 = 0
  let failed: Error | undefined

  /** one message, again after Retry-After while the hub sheds load (503 stores nothing: G9) */
  const send = async (customerId: string, messageId: string): Promise<void> => {
    for (;;) {
      try {
        const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId, messageId, text: messageId }) })
        const body = await res.body.json() as { messages?: Array<{ threadId: string }> }
        if (res.statusCode === 202) { threads.add(body.messages![0]!.threadId); return }
        if (res.statusCode !== 503) throw new Error(`${messageId}: ${res.statusCode} ${JSON.stringify(body)}`)
        busy503++
      } catch (err) {
        // a network error (a reused keep-alive socket the hub had closed, a connect timeout on a loaded machine): the
        // message id makes a resend safe (the hub dedupes by it)
        if ((err as { code?: string }).code === undefined) throw err
      }
      await new Promise(r => setTimeout(r, 1000))
    }
  }

  for (let round = 1; round <= rounds; round++) {
    const started = Date.now()
    const running: Array<Promise<void>> = []
    for (let k = 0; k < perRound; k++) {
      const conv = (round - 1) * perRound + k
      const wait = started + k * 30 - Date.now()
      if (wait > 0) await new Promise(r => setTimeout(r, wait))
      if (failed !== undefined) throw failed
      running.push((async () => {
        for (let m = 0; m < 3; m++) {
          await send(`soak-${conv}`, `soak-${conv}-${m}`)
          await new Promise(r => setTimeout(r, 200))
        }
      })().catch((err: Error) => { failed ??= err }))
    }
    await Promise.all(running)
    if (failed !== undefined) throw failed
    const deadline = Date.now() + 600_000
    while ((closed() < threads.size || (await rig.store.outboxStats()).pending > 0) && Date.now() < deadline) await new Promise(r => setTimeout(r, 500))
    if (closed() < threads.size) throw new Error(`round ${round}: ${closed()} of ${threads.size} conversations ended after 10 min`)
    // the same quiet point each round: a second to let the last completions settle, then a sample and a snapshot
    await new Promise(r => setTimeout(r, 1000))
    const snapshot = snapshots ? await takeHeapSnapshot(pid, out, rig.hub().url) : undefined
    const memory = await sampleMemory(pid, metricsUrl)
    quiet.push({ round, conversations: threads.size, memory, snapshot, busy503 })
    process.stderr.write(`round ${round}: ${threads.size} conversations ended, ${((Date.now() - started) / 1000).toFixed(0)} s, 503s so far ${busy503}; rss ${memory.rssMb.toFixed(1)} MB (anon ${memory.rssAnonMb.toFixed(1)}, file ${memory.rssFileMb.toFixed(1)}), heap used ${memory.heapUsedMb.toFixed(1)} / committed ${memory.heapTotalMb.toFixed(1)}, external ${memory.externalMb.toFixed(1)}, native ${memory.nativeMb.toFixed(1)} (malloc main arena ${memory.mainArenaMb.toFixed(1)}, thread arenas ${memory.threadArenasMb.toFixed(1)})${snapshot ? `; ${snapshot}` : ''}\n`)
  }
  writeFileSync(join(out, 'soak-memory.json'), JSON.stringify({ quiet, during }, null, 1))
} finally {
  for (const fn of teardowns.reverse()) await fn()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
}

const f = (x: number): string => x.toFixed(1)
console.log('\n| round | conversations | RSS MB | anon | file | heap used (after GC when snapshotted) | heap committed | external | native (anon - committed - external) | malloc main arena | malloc thread arenas |')
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for (const q of quiet) console.log(`| ${q.round} | ${q.conversations} | ${f(q.memory.rssMb)} | ${f(q.memory.rssAnonMb)} | ${f(q.memory.rssFileMb)} | ${f(q.memory.heapUsedMb)} | ${f(q.memory.heapTotalMb)} | ${f(q.memory.externalMb)} | ${f(q.memory.nativeMb)} | ${f(q.memory.mainArenaMb)} | ${f(q.memory.threadArenasMb)} |`)
if (quiet.length >= 3) {
  const a = quiet[1]!
  const b = quiet[quiet.length - 1]!
  const per = (x: number): string => (x * 1024 / (b.conversations - a.conversations)).toFixed(3)
  console.log(`\nafter warm-up (round 2 -> ${b.round}, ${b.conversations - a.conversations} conversations): heap used ${f(b.memory.heapUsedMb - a.memory.heapUsedMb)} MB (${per(b.memory.heapUsedMb - a.memory.heapUsedMb)} KB per conversation), RSS ${f(b.memory.rssMb - a.memory.rssMb)} MB, native ${f(b.memory.nativeMb - a.memory.nativeMb)} MB (malloc main arena ${f(b.memory.mainArenaMb - a.memory.mainArenaMb)}, thread arenas ${f(b.memory.threadArenasMb - a.memory.threadArenasMb)})`)
  if (a.snapshot && b.snapshot) console.log(`diff: node bench/heap-diff.ts ${a.snapshot} ${b.snapshot} --sort=new`)
}
console.log(`out: ${out}`)
