// Child process for store-processes.test.ts: one "hub instance" racing others on a shared store (a SQLite file or
// a Redis prefix). Only acts when forked with --race-worker (tap may run any file under test/ directly).
import { openStore, type StoreConfig } from '../../core/store/index.js'

export interface RaceResult { pid: number, openedThreads: string[], created: number, claimed: Array<number | string> }

async function race (cfg: StoreConfig, startAt: number): Promise<RaceResult> {
  const store = await openStore(cfg)
  // a shared start time, so the processes really overlap instead of running one after another
  await new Promise(resolve => setTimeout(resolve, Math.max(0, startAt - Date.now())))
  const owner = `p${process.pid}`
  const openedThreads: string[] = []
  let created = 0
  for (let i = 0; i < 10; i++) {
    const r = await store.openThread('ch-1', 'racer', `${owner}-${i}`)
    openedThreads.push(r.thread.threadId)
    if (r.created) created++
  }
  const claimed: Array<number | string> = []
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const jobs = await store.claimJobs(owner, 2, 60_000)
    for (const j of jobs) {
      claimed.push(j.jobId)
      // the log thread's seq records the order jobs of one key actually ran in, across processes
      await store.insertMessage({ messageId: `job-${j.jobId}`, threadId: `log-${j.orderKey}`, channelId: 'ch-1', direction: 'outbound', text: String(j.payload), attachments: [], createdAt: Date.now() })
      await store.completeJob(j.jobId, owner)
    }
    if (jobs.length === 0 && (await store.outboxStats()).pending === 0) break
  }
  await store.close()
  return { pid: process.pid, openedThreads, created, claimed }
}

if (process.argv.includes('--race-worker') && process.send) {
  process.once('message', (msg: { cfg: StoreConfig, startAt: number }) => {
    race(msg.cfg, msg.startAt).then(r => process.send!(r, () => process.exit(0)), err => { console.error(err); process.exit(1) })
  })
  process.send('ready')
}
