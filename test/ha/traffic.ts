import type { Test } from 'tap'
import type { RedisStore } from '../../core/store/redis.js'
import { eventually, http } from '../helper.js'

export interface Inbound { channel: string, customerId: string, messageId: string, text: string }
export interface Outcome extends Inbound { accepted: boolean, threadId?: string, attempts: number }

/**
 * A platform posting one customer message the way webhooks do: on a refused connection, a 5xx or no answer in
 * time it posts the same message (same id) again, to whichever instance the load balancer picks next. A 503 with
 * Retry-After (the hub's pressure guard) is posted again after that long, as it asks.
 */
export async function postInbound (pick: () => string, m: Inbound, opts: {
  tries?: number
  timeoutMs?: number
  /** every answer (its status), or undefined for none (refused, reset, timed out) */
  onAnswer?: (status: number | undefined) => void
} = {}): Promise<Outcome> {
  // 30: a loaded box's pressure guard may ask to come back (Retry-After: 1) many times in a row
  const tries = opts.tries ?? 30
  for (let attempt = 1; attempt <= tries; attempt++) {
    let retryAfterMs: number | undefined
    try {
      const res = await fetch(`${pick()}/channels/${m.channel}/inbound`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: m.customerId, messageId: m.messageId, text: m.text }),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000)
      })
      opts.onAnswer?.(res.status)
      const retryAfter = Number(res.headers.get('retry-after'))
      if (res.status === 503 && retryAfter > 0) retryAfterMs = retryAfter * 1000
      const body = await res.json().catch(() => undefined) as { messages?: Array<{ threadId: string }> } | undefined
      if (res.status === 202 && body?.messages?.[0]) return { ...m, accepted: true, threadId: body.messages[0].threadId, attempts: attempt }
    } catch { opts.onAnswer?.(undefined) /* refused, reset or timed out: try the next instance */ }
    await new Promise(resolve => setTimeout(resolve, retryAfterMs ?? 100 * attempt)) // the platform's retry backoff
  }
  return { ...m, accepted: false, attempts: tries }
}

/** Every message CXone holds for one channel, by idOnExternalPlatform, with the hub thread id it sits in. */
export async function sandboxMessages (sandboxUrl: string, cxoneChannelId: string): Promise<Array<{ id: string, threadId: string, direction: string, text: string, sendState?: string }>> {
  const threads = ((await http('GET', `${sandboxUrl}/console/api/threads`)).body as any[]).filter(th => th.channelId === cxoneChannelId)
  const out: Array<{ id: string, threadId: string, direction: string, text: string, sendState?: string }> = []
  for (const th of threads) {
    const view = (await http('GET', `${sandboxUrl}/console/api/threads/${encodeURIComponent(th.id)}`)).body
    for (const m of view.messages) out.push({ id: m.idOnExternalPlatform, threadId: th.idOnExternalPlatform, direction: m.direction, text: m.text, sendState: m.status })
  }
  return out
}

/** Counts occurrences of each key. */
export function tally<T> (items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1)
  return counts
}

export type SandboxMessage = Awaited<ReturnType<typeof sandboxMessages>>[number]

/**
 * Exactly once as CXone sees it: once the outbox has drained, every accepted message is in the sandbox's recorder
 * channel, none twice, each in the thread the hub answered with. Returns what the sandbox holds.
 */
export async function checkDeliveredOnce (t: Test, store: RedisStore, sandboxUrl: string, accepted: Outcome[]): Promise<SandboxMessage[]> {
  // the test's own client may still be reconnecting after a Redis outage (ioredis backs off up to 2 s): not yet, not a failure
  await eventually(async () => (await store.outboxStats().catch(() => undefined))?.pending === 0, 60_000, 'outbox drained')
  const held = await eventually(async () => {
    const all = await sandboxMessages(sandboxUrl, 'chat_recorder')
    const ids = new Set(all.map(m => m.id))
    return accepted.every(o => ids.has(o.messageId)) && all
  }, 30_000, 'every accepted message in the sandbox')
  t.ok([...tally(held, m => m.id).values()].every(n => n === 1), 'none twice as the sandbox sees it')
  const where = new Map(held.map(m => [m.id, m.threadId]))
  t.ok(accepted.every(o => where.get(o.messageId) === o.threadId), 'each in the thread the hub answered with')
  return held
}
