import t from 'tap'
import { readFileSync } from 'node:fs'
import { request } from 'undici'
import { eventually } from '../../helper.js'
import { startProcessRig } from '../harness/process-rig.js'
import { checkInvariants, figure } from '../harness/invariants.js'

const LONG = process.env.RELIABILITY_LONG === '1'
const SECONDS = Number(process.env.RELIABILITY_SOAK_SECONDS ?? 300)
const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

t.test('L-5: soak: 100 msg/s with idle timers ending conversations; flat memory, every conversation ends once, nothing stuck', { skip: LONG ? false : 'long run: set RELIABILITY_LONG=1 (npm run test:reliability)', timeout: (SECONDS + 240) * 1000 }, async t => {
  const rig = await startProcessRig(t, { server: { rateLimit: { max: 10_000_000 } }, rules: { idle: { timeout: '2s', countdown: '400ms' } }, delivery: { concurrency: 32 } })
  const pid = rig.hub().child.pid!
  const url = `${rig.hub().url}/channels/recorder/inbound`
  const rss: Array<[number, number]> = []
  const sampler = setInterval(() => rss.push([Date.now(), rssMb(pid)]), 5000)
  t.teardown(() => clearInterval(sampler))
  // 100 msg/s: each conversation gets 3 messages 200 ms apart, then goes silent and must end by the idle rule
  const started = Date.now()
  let sent = 0
  const threads = new Set<string>()
  for (let conv = 0; Date.now() - started < SECONDS * 1000; conv++) {
    const batchAt = started + conv * 30
    const wait = batchAt - Date.now()
    if (wait > 0) await new Promise(r => setTimeout(r, wait))
    void (async () => {
      for (let k = 0; k < 3; k++) {
        const id = `soak-${conv}-${k}`
        const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId: `soak-${conv}`, messageId: id, text: id }) })
        const body = await res.body.json() as { messages: Array<{ threadId: string }> }
        sent++
        if (res.statusCode === 202) { rig.accepted.push({ messageId: id, threadId: body.messages[0]!.threadId, text: id }); threads.add(body.messages[0]!.threadId) } else t.fail(`${id}: ${res.statusCode}`)
        await new Promise(r => setTimeout(r, 200))
      }
    })()
  }
  const closes = () => rig.cxone.calls.filter(c => c.method === 'PUT' && /\/threads\/[^/]+$/.test(c.path) && c.status < 300)
  await eventually(() => closes().length >= threads.size, 120_000, 'every conversation ended')
  await eventually(async () => (await rig.store.outboxStats()).pending === 0, 60_000, 'drained')
  clearInterval(sampler)
  const warm = rss.find(([at]) => at - started >= 60_000)?.[1] ?? rss[0]![1]
  const end = rss[rss.length - 1]![1]
  t.ok(end - warm <= 20, `RSS ${warm.toFixed(0)} MB after warm-up -> ${end.toFixed(0)} MB at the end (growth <= 20 MB)`)
  const report = await checkInvariants({ accepted: rig.accepted, creates: rig.cxone.creates(), store: rig.store, endedThreads: [...threads], closes: closes() })
  t.same(report.breaches.slice(0, 5), [])
  t.equal(await rig.store.countTimers(), 0, 'no timer left behind')
  t.comment(figure('L-5', { seconds: SECONDS, sent, conversations: threads.size, ends: closes().length, lost: report.lost.length, duplicated: report.duplicates, rssWarmMb: warm.toFixed(0), rssEndMb: end.toFixed(0) }))
})
