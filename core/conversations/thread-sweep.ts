import type { ConversationsPort, DocumentsPort, Thread } from '../store/types.js'
import type { ChannelRegistry, ChannelRuntime } from '../channels/runtime.js'
import type { DfoClient } from '../cxone/dfo-types.js'

const CURSOR = { collection: 'cxone:thread-sweep', id: 'cursor' } as const
/** threads per C11 call (the search takes a space-separated list of ids) */
export const SWEEP_BATCH = 50

interface Cursor { channelId: string, after: string }

/**
 * The further signal: a thread archived in CXone (C11 `canAddMoreMessages: false`). CXone has no search for
 * archived threads, so each look asks about the next SWEEP_BATCH open threads, round robin: one DFO call per
 * look whatever the number of open threads (10,000 threads are all asked about every 200 looks).
 */
export class ArchivedThreadSweep {
  private readonly cursor: { collection: string, id: string }
  /** `tenant`: each tenant's channels are swept with its own CXone and cursor (the tenant `default` keeps the plain key) */
  constructor (private readonly store: ConversationsPort & DocumentsPort, private readonly channels: Pick<ChannelRegistry, 'all'>, private readonly dfo: DfoClient, tenant?: string) {
    this.cursor = tenant === undefined || tenant === 'default' ? CURSOR : { ...CURSOR, id: `${CURSOR.id}:${tenant}` }
  }

  /** The archived threads among the next batch (at most one DFO call). */
  async next (): Promise<Array<{ channel: ChannelRuntime, thread: Thread }>> {
    const all = this.channels.all()
    if (all.length === 0) return []
    const cursor = await this.store.getDoc<Cursor>(this.cursor.collection, this.cursor.id)
    const start = Math.max(0, all.findIndex(c => c.id === cursor?.channelId))
    // every channel once from the cursor's, then the cursor's own channel again from its start (wrapped round)
    for (let i = 0; i <= all.length; i++) {
      const channel = all[(start + i) % all.length]!
      const after = i === 0 && cursor?.channelId === channel.id ? cursor.after : ''
      const open = (await this.store.listThreads({ channelId: channel.id, status: 'open' }))
        .filter(t => t.threadId > after)
        .sort((a, b) => (a.threadId < b.threadId ? -1 : 1))
      if (open.length === 0) continue
      const batch = open.slice(0, SWEEP_BATCH)
      await this.store.putDoc(this.cursor.collection, this.cursor.id, { channelId: channel.id, after: batch.at(-1)!.threadId } satisfies Cursor)
      const found = await this.dfo.searchThreads({ channelId: channel.cxoneChannelId, threadIds: batch.map(t => t.threadId) }, { attempts: 1 })
      const archived = new Set(found.filter(t => t.canAddMoreMessages === false).map(t => t.idOnExternalPlatform))
      return batch.filter(t => archived.has(t.threadId)).map(thread => ({ channel, thread }))
    }
    return []
  }
}
