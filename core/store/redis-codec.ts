import type { Customer, Job, JobState, NewMessage, StoredMessage, Thread, Timer } from './types.js'

/** Redis hash fields as strings (HGETALL), or the flat [field, value, ...] array a Lua script returns. */
export type Fields = Record<string, string>

export function fields (flat: unknown): Fields {
  if (!Array.isArray(flat)) return (flat ?? {}) as Fields
  const out: Fields = {}
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = String(flat[i + 1])
  return out
}

/** Composite key parts as one unambiguous string (ids may contain ':' or anything else). */
export const pairKey = (a: string, b: string): string => JSON.stringify([a, b])

export const toThread = (f: Fields): Thread => ({
  threadId: f.threadId,
  channelId: f.channelId,
  customerId: f.customerId,
  status: f.status as Thread['status'],
  ...(f.closedReason !== undefined ? { closedReason: f.closedReason } : {}),
  createdAt: Number(f.createdAt),
  lastActivityAt: Number(f.lastActivityAt),
  ...(f.contactId !== undefined ? { contactId: f.contactId } : {})
})

/** The immutable part of a message, stored as one JSON document; seq and status are hash fields beside it. */
export function messageDoc (m: NewMessage): string {
  const { status: _status, ...doc } = m
  return JSON.stringify(doc)
}

export const toMessage = (f: Fields): StoredMessage => ({
  ...JSON.parse(f.doc) as Omit<StoredMessage, 'seq' | 'status'>,
  seq: Number(f.seq),
  status: f.status as StoredMessage['status']
})

export const toJob = (jobId: string | number, f: Fields): Job => ({
  jobId: Number(jobId),
  kind: f.kind,
  orderKey: f.orderKey,
  ...(f.dedupeKey !== undefined ? { dedupeKey: f.dedupeKey } : {}),
  payload: JSON.parse(f.payload),
  attempts: Number(f.attempts),
  state: f.state as JobState,
  runAt: Number(f.runAt),
  ...(f.lastError !== undefined ? { lastError: f.lastError } : {}),
  createdAt: Number(f.createdAt)
})

export const toCustomer = (channelId: string, customerId: string, doc: string, createdAt: string): Customer => {
  const { name, avatar, locale } = JSON.parse(doc) as { name: string, avatar?: string, locale?: string }
  return { channelId, customerId, name, ...(avatar !== undefined ? { avatar } : {}), ...(locale !== undefined ? { locale } : {}), createdAt: Number(createdAt) }
}

export const timerDoc = (t: Timer): string => JSON.stringify({ kind: t.kind, dueAt: t.dueAt, payload: t.payload })
export const toTimer = (key: string, doc: string): Timer => ({ key, ...JSON.parse(doc) as Omit<Timer, 'key'> })

/**
 * Every key of one deployment starts with `{keyPrefix}` (key layout 3): a Redis Cluster hash tag, so all of them
 * hash to one slot and a script may touch any of them. The tag is what lies between the first `{` and the next
 * `}`; a prefix that is empty or starts with `}` would leave it empty, and Redis would hash whole key names.
 */
export function hashTagged (keyPrefix: string): string {
  if (keyPrefix === '' || keyPrefix.startsWith('}')) throw new Error(`store.keyPrefix '${keyPrefix}' cannot be a hash tag: it must be non-empty and not start with '}'`)
  return `{${keyPrefix}}`
}
