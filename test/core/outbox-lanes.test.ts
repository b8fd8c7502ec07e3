import t from 'tap'
import { join } from 'node:path'
import { SqliteStore } from '../../core/store/sqlite.js'
import { OutboxWorker } from '../../core/delivery/outbox-worker.js'
import { eventually } from '../helper.js'
import { testDir } from '../test-dir.js'

const quietLog = { warn: () => {}, error: () => {}, info: () => {}, debug: () => {}, trace: () => {}, child () { return this } } as never

// Issue 17: an idle warning or close toward the customer's platform must not wait behind a backlog of messages
// toward CXone. The platform lane is claimed first, so it takes the next free slot, whatever the backlog.
t.test('a platform signal queued behind a DFO backlog runs in the next free slot', async t => {
  const store = new SqliteStore(join(testDir(t, {}), 'hub.db'))
  t.teardown(() => store.close())
  const SLOTS = 4
  const BACKLOG = 60
  const ran: string[] = []
  let open!: () => void
  const gate = new Promise<void>(resolve => { open = resolve })
  const worker = new OutboxWorker({
    store, log: quietLog, maxAttempts: 3, retryBaseMs: 10, retryMaxMs: 100, concurrency: SLOTS,
    handlers: {
      'dfo.createMessage': async (job) => { ran.push(job.orderKey); await gate },
      'platform.signal': async (job) => { ran.push(job.orderKey) }
    }
  })
  for (let i = 0; i < BACKLOG; i++) await store.enqueue({ kind: 'dfo.createMessage', orderKey: `dfo:ch:t-${i}`, payload: { i } })
  worker.start()
  t.teardown(() => worker.stop(0))
  await eventually(() => ran.length === SLOTS, 10_000, 'every slot busy with a DFO job')
  await store.enqueue({ kind: 'platform.signal', orderKey: 'platform:ch:t-0', payload: { type: 'idle-warning' } })
  worker.kick()
  open()
  await eventually(async () => (await store.outboxStats()).pending === 0, 30_000, 'everything delivered')
  t.equal(ran.indexOf('platform:ch:t-0'), SLOTS, `the signal ran next, ahead of ${BACKLOG - SLOTS} older DFO jobs`)
  t.equal(ran.length, BACKLOG + 1, 'each job ran once')
})
