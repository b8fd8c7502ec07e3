import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SqliteStore } from '../core/store/sqlite.js'
import { percentiles } from './lib/probes.js'

/**
 * `node bench/store-micro.ts`: the SQLite store calls one agent reply makes (thread lookup, message + job, idle
 * activity, customer lookup, then the worker's claim/complete/status), in a loop, without HTTP. Isolates the
 * store's share of the reply path from machine noise when comparing two versions of the SQLite driver
 * (core/store/sqlite*.ts).
 */
const dir = mkdtempSync(join(tmpdir(), 'byoc-store-micro-'))
const store = new SqliteStore(join(dir, 'hub.db'))
const threads = 200
for (let i = 0; i < threads; i++) {
  await store.upsertCustomer({ channelId: 'wh', customerId: `c${i}`, name: `Zebra ${i}` })
  await store.openThread('wh', `c${i}`, `t${i}`)
}
const round = async (n: number): Promise<void> => {
  const threadId = `t${n % threads}`
  const thread = (await store.getThread('wh', threadId))!
  const messageId = `m-${process.pid}-${n}`
  await store.insertMessage({ messageId, threadId, channelId: 'wh', direction: 'outbound', text: 'Hello from the jungle', attachments: [], createdAt: Date.now(), raw: { text: 'x' } },
    { kind: 'platform.deliver', orderKey: `platform:${threadId}`, dedupeKey: `deliver:${messageId}`, payload: { channelId: 'wh', messageId } })
  await store.touchThread('wh', threadId, Date.now())
  await store.setTimer({ key: `idle:${threadId}`, kind: 'idle-warning', dueAt: Date.now() + 60_000, payload: { threadId } })
  await store.cancelTimer(`idle-end:${threadId}`)
  await store.getCustomer('wh', thread.customerId)
  for (const job of await store.claimJobs('me', 16, 30_000)) {
    await store.getMessage('wh', (job.payload as { messageId: string }).messageId)
    await store.setMessageStatus('wh', (job.payload as { messageId: string }).messageId, 'sent')
    await store.completeJob(job.jobId, 'me')
  }
}
for (let i = 0; i < 2000; i++) await round(i) // warm up
const n = 20_000
const each: number[] = []
const start = performance.now()
for (let i = 2000; i < 2000 + n; i++) {
  const t = performance.now()
  await round(i)
  each.push(performance.now() - t)
}
const ms = performance.now() - start
const p = percentiles(each)
// the slowest rounds are event-loop stalls a hub would see (e.g. a WAL checkpoint's fsync inside a commit)
console.log(`${(n / (ms / 1000)).toFixed(0)} replies/s of store work (${(1000 * ms / n).toFixed(1)} µs each; p99 ${p.p99.toFixed(2)} ms, max ${p.max.toFixed(1)} ms, ${each.filter(x => x > 10).length} over 10 ms)`)
await store.close()
rmSync(dir, { recursive: true, force: true })
