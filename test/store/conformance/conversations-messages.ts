import type { Test } from 'tap'
import type { ConversationsPort, MessageStatus, OutboxPort } from '../../../core/store/types.js'
import { concurrently, fresh, newMessage, type OpenPort } from './kit.js'

/** Messages, and the job insertMessage enqueues with one (read back through the outbox's listJobs). */
export function messageCases (t: Test, open: OpenPort<ConversationsPort & Pick<OutboxPort, 'listJobs'>>): void {
  t.test('insertMessage assigns seq 1, 2, 3 per thread and keeps every field', async t => {
    const s = await fresh(t, open)
    await s.openThread('ch-1', 'c1', 'th-1')
    await s.openThread('ch-1', 'c2', 'th-2')
    const raw = { messageContent: { type: 'TEXT', payload: { text: 'hi' } }, unknownField: { nested: [1, 'two', null, []] }, empty: {} }
    const attachments = [{ friendlyName: 'a.png', url: 'https://x/a.png', mimeType: 'image/png', size: 12 }]
    const a = await s.insertMessage(newMessage('th-1', 'm1', { raw, attachments, authorName: 'Ann', createdAt: 1000 }))
    t.equal(a.created, true)
    t.same(a.message, {
      messageId: 'm1', threadId: 'th-1', channelId: 'ch-1', direction: 'inbound', seq: 1, text: 'text of m1',
      attachments, authorName: 'Ann', createdAt: 1000, status: 'accepted', raw
    })
    const b = await s.insertMessage(newMessage('th-1', 'm2', { direction: 'outbound', status: 'sent', text: '' }))
    t.match(b.message, { seq: 2, direction: 'outbound', status: 'sent', text: '' })
    t.equal(b.message.authorName, undefined)
    t.equal(b.message.raw, undefined)
    t.same(b.message.attachments, [])
    t.equal((await s.insertMessage(newMessage('th-2', 'm3'))).message.seq, 1, 'seq is per thread')
    t.equal((await s.insertMessage(newMessage('th-1', 'm4'))).message.seq, 3)
    t.same(await s.getMessage('ch-1', 'm1'), a.message)
    t.equal(await s.getMessage('ch-1', 'missing'), undefined)
  })

  t.test('insertMessage dedupes by messageId without using up a seq', async t => {
    const s = await fresh(t, open)
    await s.openThread('ch-1', 'c1', 'th-1')
    const first = await s.insertMessage(newMessage('th-1', 'm1', { text: 'first' }))
    const again = await s.insertMessage(newMessage('th-1', 'm1', { text: 'second copy' }))
    t.equal(again.created, false)
    t.same(again.message, first.message, 'the first copy is returned')
    t.equal((await s.insertMessage(newMessage('th-1', 'm2'))).message.seq, 2, 'no gap after a duplicate')
  })

  t.test('insertMessage bumps the thread lastActivityAt and rejects an unknown thread', async t => {
    const s = await fresh(t, open)
    const now = Date.now()
    await s.openThread('ch-1', 'c1', 'th-1', now)
    await s.insertMessage(newMessage('th-1', 'm1', { createdAt: now + 500 }))
    t.equal((await s.getThread('ch-1', 'th-1'))?.lastActivityAt, now + 500)
    await s.insertMessage(newMessage('th-1', 'm2', { createdAt: now + 100 }))
    t.equal((await s.getThread('ch-1', 'th-1'))?.lastActivityAt, now + 500, 'an older message does not move it back')
    await t.rejects(s.insertMessage(newMessage('no-such-thread', 'm3')))
    t.equal(await s.getMessage('ch-1', 'm3'), undefined)
  })

  t.test('insertMessage enqueues its job in the same atomic step (outbox)', async t => {
    const s = await fresh(t, open)
    await s.openThread('ch-1', 'c1', 'th-1')
    const job = (id: string) => ({ kind: 'dfo.createMessage', orderKey: 'th-1', dedupeKey: `dfo:${id}`, payload: { messageId: id } })
    t.equal((await s.insertMessage(newMessage('th-1', 'm1'), job('m1'))).created, true)
    t.equal((await s.insertMessage(newMessage('th-1', 'm1'), job('m1'))).created, false)
    await s.insertMessage(newMessage('th-1', 'm2'))
    const jobs = await s.listJobs({})
    t.same(jobs.map(j => [j.dedupeKey, j.payload]), [['dfo:m1', { messageId: 'm1' }]], 'one job, even for the repeat')
    await t.rejects(s.insertMessage(newMessage('no-such-thread', 'm3'), job('m3')))
    t.equal((await s.listJobs({})).length, 1, 'a failed insert enqueues nothing')
    const racing = await concurrently(10, () => s.insertMessage(newMessage('th-1', 'm4'), job('m4')))
    t.equal(racing.filter(r => r.created).length, 1)
    t.equal((await s.listJobs({})).length, 2, 'concurrent repeats enqueue one job')
  })

  t.test('concurrent inserts (with duplicates) get gap-free seqs', async t => {
    const s = await fresh(t, open)
    await s.openThread('ch-1', 'c1', 'th-1')
    const results = await concurrently(60, i => s.insertMessage(newMessage('th-1', `m${i % 30}`)))
    t.equal(results.filter(r => r.created).length, 30, 'each messageId created once')
    const seqs = (await s.listMessages('ch-1', 'th-1')).map(m => m.seq)
    t.same(seqs, Array.from({ length: 30 }, (_, i) => i + 1))
    for (const r of results) t.equal(r.message.seq, (await s.getMessage('ch-1', r.message.messageId))?.seq)
  })

  t.test('listMessages pages by afterSeq and limit', async t => {
    const s = await fresh(t, open)
    await s.openThread('ch-1', 'c1', 'th-1')
    await s.openThread('ch-1', 'c2', 'th-2')
    for (let i = 1; i <= 5; i++) await s.insertMessage(newMessage('th-1', `m${i}`))
    await s.insertMessage(newMessage('th-2', 'other'))
    t.same((await s.listMessages('ch-1', 'th-1')).map(m => m.messageId), ['m1', 'm2', 'm3', 'm4', 'm5'])
    t.same((await s.listMessages('ch-1', 'th-1', 2)).map(m => m.seq), [3, 4, 5])
    t.same((await s.listMessages('ch-1', 'th-1', 1, 2)).map(m => m.seq), [2, 3])
    t.same(await s.listMessages('ch-1', 'th-1', 5), [])
    t.same(await s.listMessages('ch-1', 'missing'), [])
  })

  t.test('setMessageStatus only moves forward', async t => {
    const s = await fresh(t, open)
    await s.openThread('ch-1', 'c1', 'th-1')
    const steps: Array<[string, MessageStatus, boolean, MessageStatus]> = [
      ['m1', 'sent', true, 'sent'],
      ['m1', 'accepted', false, 'sent'],
      ['m1', 'seen', true, 'seen'],
      ['m1', 'delivered', false, 'seen'],
      ['m1', 'failed', false, 'seen'],
      ['m2', 'failed', true, 'failed'],
      ['m2', 'sent', false, 'failed'],
      ['m2', 'delivered', true, 'delivered'],
      ['m2', 'failed', false, 'delivered'],
      ['m2', 'delivered', false, 'delivered']
    ]
    await s.insertMessage(newMessage('th-1', 'm1'))
    await s.insertMessage(newMessage('th-1', 'm2'))
    for (const [id, status, changed, after] of steps) {
      t.equal(await s.setMessageStatus('ch-1', id, status), changed, `${id} -> ${status} changed=${changed}`)
      t.equal((await s.getMessage('ch-1', id))?.status, after)
    }
    t.equal(await s.setMessageStatus('ch-1', 'missing', 'sent'), false)
  })

  t.test('concurrent status updates end at the furthest status', async t => {
    const s = await fresh(t, open)
    await s.openThread('ch-1', 'c1', 'th-1')
    await s.insertMessage(newMessage('th-1', 'm1'))
    const order: MessageStatus[] = ['seen', 'sent', 'delivered', 'accepted', 'failed', 'sent', 'delivered']
    await concurrently(order.length, i => s.setMessageStatus('ch-1', 'm1', order[i]))
    t.equal((await s.getMessage('ch-1', 'm1'))?.status, 'seen')
  })
}
