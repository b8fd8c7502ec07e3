import type { Test } from 'tap'
import type { ConversationsPort, OutboxPort } from '../../../core/store/types.js'
import { concurrently, newMessage, pair, type OpenPair, type OpenPort } from './kit.js'
import { customerAndThreadCases } from './conversations-threads.js'
import { messageCases } from './conversations-messages.js'
import { scopingCases } from './conversations-scoping.js'

/** The conversations port checks insertMessage's job through the outbox's listing: they commit in one step. */
export type ConversationsUnderTest = ConversationsPort & Pick<OutboxPort, 'listJobs'>

/** The conversations port on one store: customers, threads, messages, ids scoped by channel. */
export function conversationsConformance (t: Test, open: OpenPort<ConversationsUnderTest>): void {
  t.test('customers and threads', async t => { customerAndThreadCases(t, open) })
  t.test('messages', async t => { messageCases(t, open) })
  t.test('ids scoped by channel, current thread', async t => { scopingCases(t, open) })
}

/** The conversations port on two instances sharing one store: what several hub processes rely on. */
export function sharedConversationsConformance (t: Test, openPair: OpenPair<ConversationsPort>): void {
  t.test('openThread racing on two instances opens one thread', async t => {
    const [a, b] = await pair(t, openPair)
    const results = await concurrently(20, i => (i % 2 ? a : b).openThread('ch-1', 'c1', `cand-${i}`))
    t.equal(results.filter(r => r.created).length, 1)
    t.equal(new Set(results.map(r => r.thread.threadId)).size, 1)
    t.same(await b.findCurrentThread('ch-1', 'c1'), await a.findCurrentThread('ch-1', 'c1'))
    t.equal(await b.closeThread('ch-1', 'nope', 'x'), false)
  })

  t.test('insertMessage racing on two instances keeps seq gap-free', async t => {
    const [a, b] = await pair(t, openPair)
    await a.openThread('ch-1', 'c1', 'th-1')
    const results = await concurrently(40, i => (i % 2 ? a : b).insertMessage(newMessage('th-1', `m${i % 20}`)))
    t.equal(results.filter(r => r.created).length, 20)
    t.same((await b.listMessages('ch-1', 'th-1')).map(m => m.seq), Array.from({ length: 20 }, (_, i) => i + 1))
  })
}
