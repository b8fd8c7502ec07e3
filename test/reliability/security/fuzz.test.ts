import t from 'tap'
import fc from 'fast-check'
import { request } from 'undici'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { cxoneToken, eventually, http } from '../../helper.js'
import { startRig } from '../harness/rig.js'
import { bodyFor, paramValue, serialize } from '../harness/schema-arbitrary.js'
import { checkInvariants, figure } from '../harness/invariants.js'
import { LONG, latencyBound } from '../harness/latency-bound.js'
import { sendPastShedding } from '../harness/shed.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const PAYLOADS = LONG ? 10_000 : 2_000

interface Endpoint { method: string, path: string, body?: any, params: string[], query: Array<{ name: string, schema: any }>, bearer: boolean, form: boolean } // intentional any: OpenAPI schema

t.test('S-4: schema-driven fuzzing of every public endpoint: only 4xx, valid traffic unaffected, memory bounded', async t => {
  const rig = await startRig(t, { server: { rateLimit: { max: 1_000_000 } } })
  const token = await cxoneToken(rig.hub)
  const doc = (await http('GET', `${rig.hub.url}/openapi.json`)).body
  const endpoints: Endpoint[] = []
  for (const [path, ops] of Object.entries<any>(doc.paths)) { // intentional any: OpenAPI document
    for (const [method, op] of Object.entries<any>(ops)) {
      const content = op.requestBody?.content ?? {}
      endpoints.push({
        method: method.toUpperCase(), path,
        body: (content['application/json'] ?? content['application/x-www-form-urlencoded'])?.schema,
        params: (op.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name),
        query: (op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => ({ name: p.name, schema: p.schema })),
        bearer: Array.isArray(op.security) && op.security.length > 0,
        form: !content['application/json'] && !!content['application/x-www-form-urlencoded']
      })
    }
  }
  if (!endpoints.some(e => e.path === '/channels/recorder/inbound')) endpoints.push({ method: 'POST', path: '/channels/recorder/inbound', params: [], query: [], bearer: false, form: false, body: { type: 'object', required: ['customerId', 'messageId', 'text'], properties: { customerId: { type: 'string', minLength: 1 }, messageId: { type: 'string', minLength: 1 }, text: { type: 'string' }, name: { type: 'string' }, threadId: { type: 'string' } } } })
  t.ok(endpoints.length >= 10, `${endpoints.length} endpoints from /openapi.json`)

  const requestArb = fc.integer({ min: 0, max: endpoints.length - 1 }).chain(i => fc.record({
    i: fc.constant(i),
    body: bodyFor(endpoints[i]!.body),
    params: fc.array(paramValue, { minLength: 4, maxLength: 4 }),
    query: fc.array(paramValue, { minLength: 6, maxLength: 6 }),
    auth: fc.constantFrom('good', 'good', 'good', 'none', 'junk'),
    type: fc.constantFrom('json', 'json', 'json', 'json', 'text', 'form', 'none', 'json-charset')
  }))
  const samples = fc.sample(requestArb, { numRuns: PAYLOADS, seed: 9 })

  /** One sample as an HTTP request. Run once over the whole corpus before the heap baseline (see below). */
  const build = (s: typeof samples[number]) => {
    const e = endpoints[s.i]!
    let path = e.path
    for (const [k, p] of e.params.entries()) path = path.replace(`{${p}}`, encodeURIComponent(s.params[k]!))
    const qs = e.query.map((q, k) => `${encodeURIComponent(q.name)}=${encodeURIComponent(s.query[k]!)}`).join('&')
    const headers: Record<string, string> = {}
    if (s.auth === 'good') headers.authorization = `Bearer ${token}`
    if (s.auth === 'junk') headers.authorization = 'Bearer x.y.z'
    let body: string | undefined
    if (e.method !== 'GET' && e.method !== 'HEAD') {
      const ty = e.form && s.type === 'json' ? 'form' : s.type
      if (ty === 'form') { headers['content-type'] = 'application/x-www-form-urlencoded'; body = new URLSearchParams(Object.entries(typeof s.body === 'object' && s.body ? s.body as object : { v: s.body }).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString() } else {
        body = serialize(s.body)
        if (ty === 'json') headers['content-type'] = 'application/json'
        if (ty === 'json-charset') headers['content-type'] = 'application/json; charset=utf-8'
        if (ty === 'text') headers['content-type'] = 'text/plain'
      }
    }
    return { e, path, qs, headers, body }
  }
  // Heap (S-4, issue 14: a long run grew +266 MB in "warm-up" against an 80 MB bound). Heap snapshots taken before and
  // after pass 1 showed that growth was the test's own corpus, not the hub: fast-check builds its long strings (up to
  // 900k characters) as V8 cons strings, and the first JSON.stringify / encodeURIComponent of a sample flattens each
  // one in place, allocating a flat copy that the kept `samples` array then holds (~0.9 MB per hostile string: 32.6 of
  // 36.4 MB in a 2 000-sample run, and 5x that with 10 000). The rest was optimized code (~3.5 MB of JIT). So the corpus
  // is built once, flattened, before the baseline; what pass 1 adds after that is the hub and the harness warming up
  // (code, pools), which does not scale with the number of inputs; pass 2 replays the same inputs and must add
  // nothing: no cache, dedupe table or log grows per request.
  for (const s of samples) build(s)
  gc()
  const heapStart = process.memoryUsage().heapUsed

  // valid traffic alongside: one customer message every 10 ms
  let stop = false
  /** answers of the pressure guard (the fuzzer shares the hub's loop), each request sent again after its Retry-After */
  let shed = 0
  const latencies: number[] = []
  const valid = (async () => {
    for (let n = 0; !stop; n++) {
      // each answer's latency, the guard's 503s' too (not the Retry-After waited between them)
      const res = await sendPastShedding(async () => {
        const t0 = performance.now()
        const r = await rig.send(`valid-${n % 20}`, `valid-${n}`)
        latencies.push(performance.now() - t0)
        return r
      }, () => shed++)
      if (res.status !== 202) t.fail(`valid message ${n}: ${res.status}`)
      await new Promise(r => setTimeout(r, 10))
    }
  })()

  const statuses = new Map<number, number>()
  const fives: string[] = []
  let next = 0
  let until = 0
  const worker = async () => {
    while (next < until) {
      const { e, path, qs, headers, body } = build(samples[next++]!)
      try {
        const res = await sendPastShedding(async () => {
          const r = await request(`${rig.hub.url}${path}${qs ? `?${qs}` : ''}`, { method: e.method as 'POST', headers, ...(body !== undefined ? { body } : {}), headersTimeout: 10_000, bodyTimeout: 10_000 })
          if (r.statusCode !== 503) { await r.body.dump(); return { status: r.statusCode, body: undefined } }
          return { status: r.statusCode, body: await r.body.json().catch(() => undefined) }
        }, () => shed++)
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        if (res.status >= 500) fives.push(`${e.method} ${path} -> ${res.status} body ${String(body).slice(0, 200)}`)
      } catch (err) {
        fives.push(`${e.method} ${path} -> ${(err as Error).message}`)
      }
    }
  }
  until = samples.length
  await Promise.all(Array.from({ length: 8 }, worker))
  gc()
  const heapBefore = process.memoryUsage().heapUsed
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  next = 0
  await Promise.all(Array.from({ length: 8 }, worker))
  loop.disable()
  stop = true
  await valid

  t.same(fives.slice(0, 10), [], 'no 5xx and no dropped connection')
  if (shed) t.comment(`S-4: ${shed} answer(s) 503 BYOC_ERR_OVERLOADED (the pressure guard), each request sent again after its Retry-After`)
  const twoxx = [...statuses].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0)
  t.ok(twoxx < samples.length, `${samples.length - twoxx} of ${samples.length} refused with a 4xx (${[...statuses].sort().map(([s, c]) => `${s}x${c}`).join(' ')})`)
  t.equal((await http('GET', `${rig.hub.url}/health/live`)).status, 200, 'still alive')
  latencies.sort((a, b) => a - b)
  const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? 0
  latencyBound(t, p99 <= 500, `valid traffic p99 ${p99.toFixed(1)} ms during the fuzzing (${latencies.length} messages)`)
  const loopP99 = loop.percentile(99) / 1e6
  latencyBound(t, loopP99 <= 300, `event-loop delay p99 ${loopP99.toFixed(1)} ms (the fuzzer's generation shares this loop)`)
  gc()
  const heapGrowth = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024
  const warmGrowth = (heapBefore - heapStart) / 1024 / 1024
  t.ok(warmGrowth <= 20, `heap after GC: +${warmGrowth.toFixed(1)} MB over the first ${samples.length}, corpus built beforehand (warm-up: code and pools, not per input)`)
  t.ok(heapGrowth <= 10, `heap after GC: ${heapGrowth.toFixed(1)} MB over the next ${samples.length} (no growth per request)`)
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched')

  await eventually(async () => (await rig.hub.store.outboxStats()).pending === 0, 30_000, 'valid traffic delivered')
  const report = await checkInvariants({ accepted: rig.accepted, creates: rig.cxone.creates(), store: rig.hub.store, allowDead: true })
  t.same(report.lost, [], 'no valid message lost')
  for (const c of rig.cxone.creates()) if (!await rig.hub.store.getMessage('recorder', c.key!)) t.fail(`CXone got ${c.key}, which the hub never accepted`)
  t.comment(figure('S-4', { malformed: samples.length * 2, fiveXX: fives.length, validSent: latencies.length, lost: report.lost.length, duplicated: report.duplicates, shed, validP99Ms: p99.toFixed(1), loopP99Ms: loopP99.toFixed(1), heapWarmMB: warmGrowth.toFixed(1), heapGrowthMB: heapGrowth.toFixed(1) }))
})
