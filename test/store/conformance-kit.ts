import type { Test } from 'tap'
import type { NewMessage, Store } from '../../core/store/types.js'

/** Opens a fresh, empty store. Gets the subtest so a driver can register its own cleanup (e.g. a Redis key prefix). */
export type OpenStore = (t: Test) => Promise<Store>

/** A fresh store for one subtest, closed when the subtest ends. */
export async function fresh (t: Test, open: OpenStore): Promise<Store> {
  const store = await open(t)
  t.teardown(() => store.close())
  return store
}

let counter = 0
/** Ids unique within the process, so tests never collide by accident. */
export const uid = (prefix: string): string => `${prefix}-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`

export function newMessage (threadId: string, messageId: string, extra: Partial<NewMessage> = {}): NewMessage {
  return {
    messageId,
    threadId,
    channelId: 'ch-1',
    direction: 'inbound',
    text: `text of ${messageId}`,
    attachments: [],
    createdAt: Date.now(),
    ...extra
  }
}

/** Runs `fn` n times at once and waits for all of them. */
export function concurrently<T> (n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => fn(i)))
}

export const sortBy = <T>(xs: T[], key: (x: T) => string): T[] => [...xs].sort((a, b) => key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)
