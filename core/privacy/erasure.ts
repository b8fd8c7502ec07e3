import type { Store, StoredMessage, StoredRecord, Thread } from '../store/types.js'
import { revokeErasedCustomerTokens } from '../channels/customer-tokens.js'
import { Footprint, isEmulatorRecord, isIdempotencyRecord, type ChannelNames } from './footprint.js'

/** What erasure removed, by kind (the report `byoc-hub customers erase` prints and the admin API answers). */
export interface ErasureReport {
  readonly channelId: string
  readonly customerId: string
  readonly erasedAt: string
  readonly removed: {
    /** 1 when the customer record (name, avatar) was there */
    readonly customer: number
    readonly threads: number
    readonly messages: number
    readonly attachmentCopies: number
    readonly idempotencyKeys: number
    readonly timers: number
    /** delivered (or dead) jobs of the customer's conversations, deleted */
    readonly jobs: number
    /** the sandbox emulator's records of the customer (its threads, messages, contacts); 0 with a live CXone */
    readonly emulatorRecords: number
    /** other documents naming the customer (presence, token revocations) */
    readonly documents: number
  }
  /** undelivered jobs, now dead letters with reason `erased` holding no text or name */
  readonly deadLettered: number
  /** tokens issued to the customer until now are refused */
  readonly identityRevoked: boolean
  readonly store: { readonly driver: string, readonly walCheckpointed: boolean }
}

/** Every message of a thread, page by page. */
export async function allMessages (store: Pick<Store, 'listMessages'>, channelId: string, threadId: string): Promise<StoredMessage[]> {
  const out: StoredMessage[] = []
  for (let after = 0; ;) {
    const page = await store.listMessages(channelId, threadId, after, 1000)
    out.push(...page)
    if (page.length < 1000) return out
    after = page.at(-1)!.seq
  }
}

/** Every thread of a customer on a channel, open or closed. */
export const customerThreads = (store: Pick<Store, 'listThreads'>, channelId: string, customerId: string): Promise<Thread[]> =>
  store.listThreads({ channelId, customerId, limit: 1_000_000 })

/** Deletes the documents and remembered values of a footprint, in passes until it learns no new id. */
export async function deleteRecordsOf (store: Store, footprints: Footprint[], skip: (r: StoredRecord) => boolean = () => false): Promise<StoredRecord[]> {
  const deleted: StoredRecord[] = []
  for (let pass = 0, learned = true; learned && pass < 5; pass++) {
    learned = false
    for await (const batch of store.records()) {
      for (const r of batch) {
        if (skip(r)) continue
        const owner = footprints.find(f => f.namesRecord(r))
        if (owner === undefined) continue
        if (owner.learnFrom(r)) learned = true
        if (await store.deleteRecord(r)) deleted.push(r)
      }
    }
  }
  return deleted
}

/**
 * Right to be forgotten: removes everything the store holds about one customer of one channel, then revokes their
 * identity and scrubs the store's files. Order matters: undelivered jobs are stopped first (a worker must not send
 * a message being erased), then the conversations, then the records naming them. Running it again is harmless.
 */
export async function eraseCustomer (store: Store, channel: ChannelNames, customerId: string, now = Date.now()): Promise<ErasureReport> {
  const channelId = channel.id
  const threads = await customerThreads(store, channelId, customerId)
  const messageIds: string[] = []
  for (const t of threads) for (const m of await allMessages(store, channelId, t.threadId)) messageIds.push(m.messageId)
  const footprint = new Footprint(channel, [customerId, ...messageIds], threads.map(t => t.threadId))

  let deadLettered = 0
  let jobs = 0
  for (const job of await store.listJobs({ limit: 10_000_000 })) {
    if (!footprint.namesJob(job)) continue
    if (job.state === 'pending') { if (await store.eraseJob(job.jobId)) deadLettered++ } else if (await store.deleteJob(job.jobId)) jobs++
  }
  let timers = 0
  for (const timer of await store.listTimers()) if (footprint.namesTimer(timer) && await store.cancelTimer(timer.key)) timers++

  let messages = 0
  for (const t of threads) messages += await store.deleteThread(channelId, t.threadId)
  const customerDeleted = await store.deleteCustomer(channelId, customerId)

  const records = await deleteRecordsOf(store, [footprint])
  const count = (p: (r: StoredRecord) => boolean): number => records.filter(p).length
  const attachmentCopies = count(r => footprint.isAttachmentCopy(r) && r.collection.startsWith('attachment-copies:'))
  const attachmentContent = count(r => footprint.isAttachmentCopy(r) && !r.collection.startsWith('attachment-copies:'))
  const emulatorRecords = count(isEmulatorRecord)
  const idempotencyKeys = count(r => isIdempotencyRecord(r) && !footprint.isAttachmentCopy(r))

  await revokeErasedCustomerTokens(store, channelId, customerId, now)
  const scrubbed = await store.scrub()
  return {
    channelId,
    customerId,
    erasedAt: new Date(now).toISOString(),
    removed: {
      customer: customerDeleted ? 1 : 0,
      threads: threads.length,
      messages,
      attachmentCopies,
      idempotencyKeys,
      timers,
      jobs,
      emulatorRecords,
      documents: records.length - attachmentCopies - attachmentContent - emulatorRecords - idempotencyKeys
    },
    deadLettered,
    identityRevoked: true,
    store: { driver: store.driver, walCheckpointed: scrubbed.walCheckpointed }
  }
}
