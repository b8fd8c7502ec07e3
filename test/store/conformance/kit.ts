import type { Test } from 'tap'
import type { NewMessage, Store } from '../../../core/store/types.js'

/** What a suite closes when its subtest ends: every driver has it. */
export interface Closable { close (): Promise<void> }

/**
 * Opens a fresh, empty store, seen as the port `P` a suite checks. Gets the subtest so a driver can register its own
 * cleanup (e.g. a Redis key prefix).
 */
export type OpenPort<P> = (t: Test) => Promise<P & Closable>
export type OpenStore = OpenPort<Store>

/** Opens two stores over the same data (two connections or two instances); the suite closes both. */
export type OpenPair<P> = (t: Test) => Promise<[P & Closable, P & Closable]>

/** A fresh store for one subtest, closed when the subtest ends. */
export async function fresh<P> (t: Test, open: OpenPort<P>): Promise<P & Closable> {
  const store = await open(t)
  t.teardown(() => store.close())
  return store
}

/** Two stores over the same data for one subtest, both closed when it ends. */
export async function pair<P> (t: Test, openPair: OpenPair<P>): Promise<[P & Closable, P & Closable]> {
  const stores = await openPair(t)
  t.teardown(async () => { for (const s of stores) await s.close() })
  return stores
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

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))
