import type { Static } from 'typebox'
import type { Job, Store } from '../store/types.js'
import { ERASED_REASON } from '../store/ports/privacy.js'
import type { DeadLetterSchema, ChannelStatusSchema } from './schemas.js'

/*
 * What the admin API does, over the store alone: the routes (routes.ts) answer with these, and the CLI calls them
 * directly when no admin.token names a running hub, so both ways give the same answers.
 */

export type DeadLetter = Static<typeof DeadLetterSchema>
export type ChannelStatus = Static<typeof ChannelStatusSchema>

const toDeadLetter = (j: Job): DeadLetter => ({
  jobId: String(j.jobId), kind: j.kind, orderKey: j.orderKey, attempts: j.attempts, createdAt: j.createdAt, reason: j.lastError ?? ''
})

/** `channelIds`: only the jobs of these channels (one tenant's), out of the `limit` listed */
export async function listDeadLetters (store: Store, limit = 1000, channelIds?: ReadonlySet<string>): Promise<DeadLetter[]> {
  const jobs = await store.listJobs({ state: 'dead', limit })
  return (channelIds ? jobs.filter(j => channelIds.has(String((j.payload as { channelId?: unknown } | null)?.channelId))) : jobs).map(toDeadLetter)
}

/** Job ids are numbers on both drivers; one given as text (a URL, the command line) is read back as one. */
const jobIdOf = (id: string): Job['jobId'] => /^\d+$/.test(id) ? Number(id) : id

export type ReplayOutcome = 'replayed' | 'unknown' | 'erased'

/** A dead letter back to pending; one an erasure stopped holds nothing to deliver and stays. */
export async function replayDeadLetter (store: Store, jobId: string): Promise<ReplayOutcome> {
  const dead = (await store.listJobs({ state: 'dead', limit: 10_000_000 })).find(j => String(j.jobId) === jobId)
  if (dead === undefined) return 'unknown'
  if (dead.lastError === ERASED_REASON) return 'erased'
  return await store.replayJob(jobIdOf(jobId)) ? 'replayed' : 'unknown'
}

export async function replayAllDeadLetters (store: Store): Promise<{ replayed: number, skipped: number }> {
  let replayed = 0
  let skipped = 0
  for (const j of await store.listJobs({ state: 'dead', limit: 10_000_000 })) {
    if (j.lastError === ERASED_REASON) skipped++
    else if (await store.replayJob(j.jobId)) replayed++
  }
  return { replayed, skipped }
}

export async function channelStatus (store: Store, channels: ReadonlyArray<{ id: string, name?: string | undefined, cxoneChannelId: string }>): Promise<ChannelStatus> {
  return {
    channels: await Promise.all(channels.map(async c => ({
      id: c.id, name: c.name ?? c.id, cxoneChannelId: c.cxoneChannelId, openConversations: await store.countOpenThreads(c.id)
    }))),
    outbox: await store.outboxStats()
  }
}
