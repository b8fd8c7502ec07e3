import type { Store } from '../../../core/store/types.js'
import type { CxoneCall } from './cxone-recorder.js'
import type { Accepted } from './rig.js'

/** The figures a fault test reports, and the invariant breaches it found (empty = pass). */
export interface InvariantReport {
  accepted: number
  delivered: number
  lost: string[]
  /** extra 2xx copies under the same key (allowed: the key makes them dedupable downstream) */
  duplicates: number
  /** a text that reached CXone under two different keys: a repeat the receiver cannot dedupe */
  rekeyed: string[]
  /** threads whose first-arrival order differs from the order the hub accepted them in */
  outOfOrder: string[]
  /** jobs still pending or leased when the check ran */
  leftPending: number
  dead: number
  /** threads ended more than once, or never, among those expected to end */
  endsWrong: string[]
  breaches: string[]
}

/**
 * Checks the promises after a fault: no accepted message lost, repeats only under one key, per-conversation
 * order, exactly one end per timed-out conversation, nothing left in processing. Reads the CXone recording and the
 * store's outbox (listJobs / outboxStats).
 */
export async function checkInvariants (input: {
  accepted: readonly Accepted[]
  creates: readonly CxoneCall[]
  store: Store
  /** threads expected to have been ended exactly once (timers) */
  endedThreads?: readonly string[]
  /** every thread-close call CXone received */
  closes?: readonly CxoneCall[]
  allowDead?: boolean
}): Promise<InvariantReport> {
  const ok = input.creates.filter(c => c.status >= 200 && c.status < 300)
  const byKey = new Map<string, number>()
  for (const c of ok) byKey.set(c.key!, (byKey.get(c.key!) ?? 0) + 1)
  const lost = input.accepted.filter(a => !byKey.has(a.messageId)).map(a => a.messageId)
  const duplicates = [...byKey.values()].reduce((n, v) => n + v - 1, 0)
  const keysByText = new Map<string, Set<string>>()
  // the hub's own lines (sys:…, e.g. the idle prompt) say the same words on every conversation by design
  for (const c of ok) if (c.text !== undefined && !c.key!.startsWith('sys:')) (keysByText.get(c.text) ?? keysByText.set(c.text, new Set()).get(c.text)!).add(c.key!)
  const rekeyed = [...keysByText].filter(([, keys]) => keys.size > 1).map(([text]) => text)

  const outOfOrder: string[] = []
  const threads = new Map<string, string[]>()
  for (const a of input.accepted) (threads.get(a.threadId) ?? threads.set(a.threadId, []).get(a.threadId)!).push(a.messageId)
  for (const [threadId, expected] of threads) {
    const seen: string[] = []
    for (const c of ok) if (c.threadKey === threadId && !seen.includes(c.key!)) seen.push(c.key!)
    const arrived = seen.filter(k => expected.includes(k))
    if (arrived.join('\n') !== expected.filter(k => arrived.includes(k)).join('\n')) outOfOrder.push(threadId)
  }

  const pending = await input.store.listJobs({ state: 'pending' })
  const dead = await input.store.listJobs({ state: 'dead' })
  const endsWrong: string[] = []
  if (input.endedThreads) {
    const closes = (input.closes ?? []).filter(c => c.status < 300)
    for (const threadId of input.endedThreads) {
      const n = closes.filter(c => c.path.endsWith(`/threads/${encodeURIComponent(threadId)}`)).length
      if (n !== 1) endsWrong.push(`${threadId}: ${n} ends`)
    }
  }
  const breaches = [
    ...lost.map(id => `lost: ${id}`),
    ...rekeyed.map(x => `repeated under another key: ${x}`),
    ...outOfOrder.map(id => `out of order: ${id}`),
    ...(pending.length ? [`${pending.length} job(s) left pending: ${pending.slice(0, 3).map(j => `${j.kind}#${j.jobId} ${j.lastError ?? ''}`).join('; ')}`] : []),
    ...(dead.length && !input.allowDead ? [`${dead.length} dead letter(s): ${dead.slice(0, 3).map(j => j.lastError).join('; ')}`] : []),
    ...endsWrong.map(x => `ends: ${x}`)
  ]
  return { accepted: input.accepted.length, delivered: byKey.size, lost, duplicates, rekeyed, outOfOrder, leftPending: pending.length, dead: dead.length, endsWrong, breaches }
}

/** One line a test prints for the report table. */
export function figure (id: string, r: Record<string, unknown>): string {
  const fields = Object.entries(r).filter(([k, v]) => k !== 'breaches' && !Array.isArray(v)).map(([k, v]) => `${k}=${v}`)
  return `${id}: ${fields.join(' ')}`
}
