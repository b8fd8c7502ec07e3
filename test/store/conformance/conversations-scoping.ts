import type { Test } from 'tap'
import type { ConversationsPort } from '../../../core/store/types.js'
import { concurrently, fresh, newMessage, type OpenPort } from './kit.js'

/** Ids are scoped by channel (issue 13 point 8); a customer's current thread is the open one with the latest activity. */
export function scopingCases (t: Test, open: OpenPort<ConversationsPort>): void {
  t.test('the same thread and message ids on two channels are two threads and two messages', async t => {
    const s = await fresh(t, open)
    const now = Date.now()
    const a = await s.openThread('ch-a', 'ann', 'th-1', now)
    const b = await s.openThread('ch-b', 'bob', 'th-1', now + 1)
    t.equal(a.created, true)
    t.equal(b.created, true, 'another channel may use the same thread id')
    t.match(await s.getThread('ch-a', 'th-1'), { customerId: 'ann', channelId: 'ch-a' })
    t.match(await s.getThread('ch-b', 'th-1'), { customerId: 'bob', channelId: 'ch-b' })
    t.equal(await s.getThread('ch-c', 'th-1'), undefined)

    const inA = await s.insertMessage(newMessage('th-1', 'm-1', { channelId: 'ch-a', text: 'from a' }))
    const inB = await s.insertMessage(newMessage('th-1', 'm-1', { channelId: 'ch-b', text: 'from b' }))
    t.equal(inA.created, true)
    t.equal(inB.created, true, 'dedupe is per channel: the same message id on another channel is a new message')
    t.equal(inB.message.seq, 1, 'each thread has its own timeline')
    t.equal((await s.insertMessage(newMessage('th-1', 'm-1', { channelId: 'ch-b', text: 'again' }))).created, false, 'a repeat on one channel is deduped')
    t.equal((await s.getMessage('ch-a', 'm-1'))?.text, 'from a')
    t.equal((await s.getMessage('ch-b', 'm-1'))?.text, 'from b')
    t.same((await s.listMessages('ch-a', 'th-1')).map(m => m.text), ['from a'])
    t.same((await s.listMessages('ch-b', 'th-1')).map(m => m.text), ['from b'])

    t.equal(await s.setMessageStatus('ch-b', 'm-1', 'seen'), true)
    t.equal((await s.getMessage('ch-a', 'm-1'))?.status, 'accepted', 'a status on one channel leaves the other alone')
    await s.touchThread('ch-b', 'th-1', now + 1000, 'contact-b')
    t.equal((await s.getThread('ch-a', 'th-1'))?.contactId, undefined)
    t.equal(await s.closeThread('ch-b', 'th-1', 'agent'), true)
    t.equal((await s.getThread('ch-a', 'th-1'))?.status, 'open', 'closing one channel\'s thread leaves the other open')
    t.equal(await s.countOpenThreads('ch-a'), 1)
    t.equal(await s.countOpenThreads('ch-b'), 0)
    t.same((await s.listThreads({})).map(x => [x.channelId, x.threadId]), [['ch-a', 'th-1'], ['ch-b', 'th-1']])
    await t.rejects(s.insertMessage(newMessage('th-1', 'm-2', { channelId: 'ch-c' })), 'a thread of another channel is unknown here')
  })

  t.test('startThread opens a new thread beside the open one and makes it current', async t => {
    const s = await fresh(t, open)
    const now = Date.now()
    const first = await s.openThread('ch-1', 'c1', 'th-old', now)
    await s.insertMessage(newMessage('th-old', 'm1', { createdAt: now + 10 }))
    const direct = await s.startThread('ch-1', 'c1', 'th-direct', now + 20)
    t.equal(direct.created, true)
    t.match(direct.thread, { threadId: 'th-direct', customerId: 'c1', status: 'open', createdAt: now + 20 })
    t.equal((await s.getThread('ch-1', 'th-old'))?.status, 'open', 'the other thread stays open')
    t.equal((await s.findCurrentThread('ch-1', 'c1'))?.threadId, 'th-direct', 'the direct message\'s thread is current')
    t.equal((await s.openThread('ch-1', 'c1', 'th-x', now + 30)).thread.threadId, 'th-direct', 'openThread returns the current thread')

    // activity decides: a reply on the old thread makes it current again, a message on the new one takes it back
    await s.insertMessage(newMessage('th-old', 'm2', { createdAt: now + 40 }))
    t.equal((await s.findCurrentThread('ch-1', 'c1'))?.threadId, 'th-old')
    await s.touchThread('ch-1', 'th-direct', now + 50)
    t.equal((await s.findCurrentThread('ch-1', 'c1'))?.threadId, 'th-direct')
    await s.closeThread('ch-1', 'th-direct', 'idle')
    t.equal((await s.findCurrentThread('ch-1', 'c1'))?.threadId, 'th-old', 'a closed thread is never current')
    await s.closeThread('ch-1', 'th-old', 'idle')
    t.equal(await s.findCurrentThread('ch-1', 'c1'), undefined)
    t.equal(first.thread.threadId, 'th-old')

    const again = await s.startThread('ch-1', 'c1', 'th-direct', now + 60)
    t.equal(again.created, false, 'an existing id is returned, not opened twice')
    t.equal(again.thread.status, 'closed')
  })

  t.test('a thread started while another thread\'s activity is ahead of the clock is still current', async t => {
    const s = await fresh(t, open)
    const now = Date.now()
    await s.openThread('ch-1', 'c1', 'th-old', now)
    await s.touchThread('ch-1', 'th-old', now + 60_000) // a platform clock ahead of ours
    await s.startThread('ch-1', 'c1', 'th-new', now)
    t.equal((await s.findCurrentThread('ch-1', 'c1'))?.threadId, 'th-new')
  })

  t.test('concurrent startThread calls with one id create it once', async t => {
    const s = await fresh(t, open)
    await s.openThread('ch-1', 'c1', 'th-old')
    const results = await concurrently(10, () => s.startThread('ch-1', 'c1', 'th-direct'))
    t.equal(results.filter(r => r.created).length, 1)
    t.equal((await s.listThreads({ channelId: 'ch-1', customerId: 'c1', status: 'open' })).length, 2)
  })
}
