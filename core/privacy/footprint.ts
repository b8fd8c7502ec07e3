import type { Job, StoredRecord, Timer } from '../store/types.js'
import { attachmentCollections } from '../attachments/keeper.js'
import { SANDBOX_COLLECTIONS } from '../sandbox/state.js'
import { Mentions } from './mentions.js'

/** A channel as stored records may name it: its hub id, and its CXone channel id (the sandbox emulator's records). */
export interface ChannelNames {
  readonly id: string
  readonly cxoneChannelId?: string | undefined
}

/**
 * What of one channel's customer, threads and messages the store holds outside their own tables: jobs, timers,
 * documents and remembered values that name them. Ids are scoped by channel (the same thread id may exist on two
 * channels), so a job, timer or record belongs to the footprint only if it names the channel too, except where the
 * name itself is channel-bound: a thread's attachment-copy collections, and the emulator's own thread ids (random
 * UUIDs it files the thread's messages, contact and flags under), which join the footprint as erasure finds them.
 */
export class Footprint {
  readonly ids: Mentions
  private readonly channel: Mentions
  private readonly attachmentCollections = new Set<string>()
  private readonly emulatorIds = new Mentions()

  constructor (readonly channelNames: ChannelNames, ids: Iterable<string>, threadIds: Iterable<string>) {
    this.ids = new Mentions(ids)
    this.channel = new Mentions([channelNames.id, channelNames.cxoneChannelId ?? ''])
    for (const threadId of threadIds) {
      this.ids.add(threadId)
      const { meta, content } = attachmentCollections(threadId)
      this.attachmentCollections.add(meta).add(content)
    }
  }

  /** A job of this footprint: its order key, dedupe key or payload names an id and the channel. */
  namesJob (job: Pick<Job, 'orderKey' | 'dedupeKey' | 'payload'>): boolean {
    const texts = [job.orderKey, job.dedupeKey]
    return this.ids.anyIn(texts, job.payload) && this.channel.anyIn(texts, job.payload)
  }

  namesTimer (timer: Timer): boolean {
    return this.ids.anyIn([timer.key], timer.payload) && this.channel.anyIn([timer.key], timer.payload)
  }

  isAttachmentCopy (r: Pick<StoredRecord, 'collection'>): boolean {
    return this.attachmentCollections.has(r.collection)
  }

  namesRecord (r: StoredRecord): boolean {
    const texts = [r.collection, r.id]
    if (this.isAttachmentCopy(r) || this.emulatorIds.anyIn(texts, r.value)) return true
    return this.ids.anyIn(texts, r.value) && this.channel.anyIn(texts, r.value)
  }

  /** After a record of the footprint was found: the ids it defines for others (the emulator's thread id). True if new. */
  learnFrom (r: StoredRecord): boolean {
    return r.kind === 'doc' && r.collection === SANDBOX_COLLECTIONS.threads && this.emulatorIds.add(r.id)
  }
}

export const isEmulatorRecord = (r: Pick<StoredRecord, 'collection'>): boolean => r.collection.startsWith('sandbox:')
export const isIdempotencyRecord = (r: Pick<StoredRecord, 'kind' | 'collection'>): boolean =>
  (r.kind === 'remembered' || r.collection.startsWith('idem:')) && !isEmulatorRecord(r)
