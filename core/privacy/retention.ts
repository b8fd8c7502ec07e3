import type { Job, Store } from '../store/types.js'
import { allMessages, deleteRecordsOf } from './erasure.js'
import { Footprint, isEmulatorRecord, isIdempotencyRecord, type ChannelNames } from './footprint.js'

/** What one retention round purged, by kind (the `byoc_privacy_purged_total{kind}` metric counts the same). */
export interface RetentionCounts {
  threads: number
  messages: number
  customers: number
  /** delivered jobs */
  jobs: number
  idempotencyKeys: number
  attachmentCopies: number
  timers: number
}

export const emptyCounts = (): RetentionCounts => ({ threads: 0, messages: 0, customers: 0, jobs: 0, idempotencyKeys: 0, attachmentCopies: 0, timers: 0 })

export interface RetentionOptions {
  /** privacy.retention: what is older than this goes */
  readonly retentionMs: number
  /** the configured channels, so records naming a channel by its CXone id are found too */
  readonly channels: readonly ChannelNames[]
  readonly now?: number
  /** threads (and customers, and job batches) one round handles at most; the next round goes on */
  readonly limit?: number
}

/**
 * One retention round. Purges conversations closed and quiet for longer than the retention (their messages,
 * attachment copies, timers, and the idempotency keys and documents naming them), customers older than it that no
 * conversation refers to any more, and delivered jobs older than it. Never purges an open conversation (open
 * threads are not even listed) nor a conversation a pending job still refers to (an undelivered message, a close
 * not yet sent to CXone): the job runs first, a later round purges. The emulator's records (sandbox mode) are
 * CXone's side and stay; dead letters stay until replayed or erased.
 */
export async function purgeExpired (store: Store, o: RetentionOptions): Promise<RetentionCounts> {
  const counts = emptyCounts()
  const now = o.now ?? Date.now()
  const cutoff = now - o.retentionMs
  const limit = o.limit ?? 5000
  const names = (channelId: string): ChannelNames => o.channels.find(c => c.id === channelId) ?? { id: channelId }

  const pending = await store.listJobs({ state: 'pending', limit: 10_000_000 })
  const timers = await store.listTimers()
  const purged: Footprint[] = []
  for (const thread of await store.listClosedThreadsBefore(cutoff, limit)) {
    const messages = await allMessages(store, thread.channelId, thread.threadId)
    const footprint = new Footprint(names(thread.channelId), messages.map(m => m.messageId), [thread.threadId])
    if (pending.some((j: Job) => footprint.namesJob(j))) continue // not delivered yet
    for (const timer of timers) if (footprint.namesTimer(timer) && await store.cancelTimer(timer.key)) counts.timers++
    counts.messages += await store.deleteThread(thread.channelId, thread.threadId)
    counts.threads++
    purged.push(footprint)
  }

  for (const c of await store.listCustomersWithoutThreads(cutoff, limit)) {
    if (!await store.deleteCustomer(c.channelId, c.customerId)) continue
    counts.customers++
    purged.push(new Footprint(names(c.channelId), [c.customerId], []))
  }

  for (let handled = 0; handled < limit;) {
    const done = await store.listJobs({ state: 'done', limit: 1000 })
    const old = done.filter(j => j.createdAt < cutoff)
    for (const j of old) if (await store.deleteJob(j.jobId)) counts.jobs++
    handled += old.length
    if (old.length === 0 || done.length < 1000) break
  }

  if (purged.length > 0) {
    // the emulator's records are CXone's, not the hub's: retention leaves them (erasure does not)
    for (const r of await deleteRecordsOf(store, purged, isEmulatorRecord)) {
      if (r.collection.startsWith('attachment-copies:')) counts.attachmentCopies++
      else if (isIdempotencyRecord(r) && !r.collection.startsWith('attachment-')) counts.idempotencyKeys++
    }
  }
  return counts
}
