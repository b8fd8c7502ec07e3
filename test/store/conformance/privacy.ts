import type { Test } from 'tap'
import type { Job, Store } from '../../../core/store/types.js'
import { purgeExpired } from '../../../core/privacy/retention.js'
import { eraseCustomer } from '../../../core/privacy/erasure.js'
import { exportCustomer, recordsOfExport } from '../../../core/privacy/export.js'
import { customerTokensNotBefore, revokeCustomerTokens } from '../../../core/channels/customer-tokens.js'
import { fresh, newMessage, uid, type OpenPort } from './kit.js'

/** Every byte the driver keeps for the store (SQLite: the file and its WAL; Redis: every key name and value). */
export type StoreBytes = (store: Store) => Promise<string>

const DAY = 86_400_000
const RETENTION = 30 * DAY

/** A job claimed and completed: delivered. */
async function delivered (s: Store, job: Parameters<Store['enqueue']>[0]): Promise<Job> {
  const j = (await s.enqueue(job))!
  for (let i = 0; i < 50; i++) {
    const claimed = await s.claimJobs('w', 100, 60_000, Date.now() + DAY)
    for (const c of claimed) if (c.jobId === j.jobId) { await s.completeJob(c.jobId, 'w'); return j } else await s.retryJob(c.jobId, 'w', Date.now() + 2 * DAY, 'not now', { countAttempt: false })
  }
  throw new Error('job never claimed')
}

/** A customer with one thread of two messages on `channelId`, the thread's activity at `at`. */
async function conversation (s: Store, channelId: string, at: number, name = 'Someone'): Promise<{ customerId: string, threadId: string, messageIds: string[] }> {
  const customerId = uid('cust')
  const threadId = uid('th')
  await s.upsertCustomer({ channelId, customerId, name })
  await s.openThread(channelId, customerId, threadId, at)
  const messageIds = [uid('m'), uid('m')]
  for (const id of messageIds) await s.insertMessage(newMessage(threadId, id, { channelId, createdAt: at, text: `text of ${id}` }))
  return { customerId, threadId, messageIds }
}

/**
 * Retention, erasure and export over the privacy port, the same on every driver. Retention's clock is moved
 * forward (`now` 31 days ahead) rather than the data backward: jobs and customers take their times from the clock.
 */
export function privacyConformance (t: Test, open: OpenPort<Store>, bytesOf: StoreBytes): void {
  t.test('retention purges closed, quiet conversations and delivered jobs; nothing open or undelivered', async t => {
    const s = await fresh(t, open)
    const t0 = Date.now()
    const later = t0 + 31 * DAY
    const channels = [{ id: 'ch-1', cxoneChannelId: 'cx-1' }, { id: 'ch-2' }]

    // A: closed and quiet, with everything that hangs off a conversation
    const a = await conversation(s, 'ch-1', t0)
    await s.closeThread('ch-1', a.threadId, 'done')
    await s.putDoc(`attachment-copies:${a.threadId}`, 'att-1', { id: 'att-1', threadId: a.threadId, state: 'kept' })
    await s.putDoc(`attachment-content:${a.threadId}`, 'att-1', { base64: 'AAAA' })
    await s.remember('webhook:ch-1:/in', uid('hook'), { answer: { messages: [{ messageId: a.messageIds[0] }] } }, 40 * DAY)
    await s.putDoc('idem:outbound:ch-1', uid('key'), { threadId: a.threadId, messageId: a.messageIds[1] })
    await delivered(s, { kind: 'platform.deliver', orderKey: `platform:ch-1:${a.threadId}`, dedupeKey: `deliver:ch-1:${a.messageIds[1]}`, payload: { channelId: 'ch-1', messageId: a.messageIds[1] } })
    await s.setTimer({ key: `idle:ch-1|${a.threadId}`, kind: 'idle-warning', dueAt: later + DAY, payload: { channelId: 'ch-1', threadId: a.threadId } })
    // a dead letter of A: dead letters stay until replayed or erased
    const dead = (await s.enqueue({ kind: 'dfo.createMessage', orderKey: `dfo:ch-1:${a.threadId}`, payload: { channelId: 'ch-1', messageId: a.messageIds[0] } }))!
    t.ok((await s.claimJobs('w', 100, 60_000, Date.now() + 1)).some(j => j.jobId === dead.jobId))
    await s.buryJob(dead.jobId, 'w', 'HTTP 400')
    // B: open, however old
    const b = await conversation(s, 'ch-1', t0)
    // C: closed and quiet, but a delivery is still pending
    const c = await conversation(s, 'ch-1', t0)
    await s.closeThread('ch-1', c.threadId, 'done')
    const pendingC = (await s.enqueue({ kind: 'platform.deliver', orderKey: `platform:ch-1:${c.threadId}`, dedupeKey: `deliver:ch-1:${c.messageIds[0]}`, payload: { channelId: 'ch-1', messageId: c.messageIds[0] }, runAt: later + DAY }))!
    // D: closed, but active within the retention
    const d = await conversation(s, 'ch-1', t0)
    await s.touchThread('ch-1', d.threadId, t0 + 2 * DAY)
    await s.closeThread('ch-1', d.threadId, 'done')
    // E: a customer with no conversation at all
    const e = uid('cust')
    await s.upsertCustomer({ channelId: 'ch-1', customerId: e, name: 'Nobody' })
    // F: A's thread id on another channel, open: ids are scoped by channel
    await s.openThread('ch-2', uid('cust'), a.threadId, t0)
    const keptMemo = uid('hook')
    await s.remember('webhook:ch-1:/in', keptMemo, { answer: { messages: [{ messageId: b.messageIds[0] }] } }, 40 * DAY)

    const counts = await purgeExpired(s, { retentionMs: RETENTION, channels, now: later })
    t.same(counts, { threads: 1, messages: 2, customers: 2, jobs: 1, idempotencyKeys: 2, attachmentCopies: 1, timers: 1 })
    t.equal(await s.getThread('ch-1', a.threadId), undefined, 'A purged')
    t.equal(await s.getMessage('ch-1', a.messageIds[0]), undefined)
    t.equal(await s.getCustomer('ch-1', a.customerId), undefined, 'A\'s customer purged with their last thread')
    t.equal(await s.getCustomer('ch-1', e), undefined, 'a customer no conversation refers to is purged')
    t.same(await s.listDocs(`attachment-copies:${a.threadId}`), [])
    t.same(await s.listDocs(`attachment-content:${a.threadId}`), [])
    t.same(await s.listDocs('idem:outbound:ch-1'), [])
    t.equal(await s.getTimer(`idle:ch-1|${a.threadId}`), undefined)
    t.same((await s.listJobs({ state: 'done' })).length, 0, 'the delivered job is purged')
    t.same((await s.listJobs({ state: 'dead' })).map(j => j.jobId), [dead.jobId], 'the dead letter stays')

    t.equal((await s.getThread('ch-1', b.threadId))?.status, 'open', 'B (open) kept')
    t.equal((await s.listMessages('ch-1', b.threadId)).length, 2)
    t.ok(await s.getCustomer('ch-1', b.customerId))
    t.ok(await s.recall('webhook:ch-1:/in', keptMemo), 'an answer naming B is kept')
    t.ok(await s.getThread('ch-1', c.threadId), 'C (undelivered job) kept')
    t.equal((await s.listMessages('ch-1', c.threadId)).length, 2)
    t.ok(await s.getCustomer('ch-1', c.customerId))
    t.same((await s.listJobs({ state: 'pending' })).map(j => j.jobId), [pendingC.jobId], 'the undelivered job is untouched')
    t.ok(await s.getThread('ch-1', d.threadId), 'D (recent activity) kept')
    t.equal((await s.getThread('ch-2', a.threadId))?.status, 'open', 'the same thread id on another channel kept')

    t.same(await purgeExpired(s, { retentionMs: RETENTION, channels, now: later }), { threads: 0, messages: 0, customers: 0, jobs: 0, idempotencyKeys: 0, attachmentCopies: 0, timers: 0 }, 'a second round finds nothing')
    const [job] = await s.claimJobs('w2', 10, 60_000, later + 2 * DAY)
    t.equal(job?.jobId, pendingC.jobId)
    await s.completeJob(job!.jobId, 'w2')
    t.match(await purgeExpired(s, { retentionMs: RETENTION, channels, now: later }), { threads: 1, messages: 2, customers: 1 }, 'once delivered, C goes')
  })

  t.test('erasure leaves no trace of the customer in the store, and revokes their identity', async t => {
    const s = await fresh(t, open)
    const channel = { id: 'ch-1', cxoneChannelId: 'cx-1' }
    const x = uid('cust-x')
    const name = `Zelda ${uid('Quux')}`
    const secret = `my card number is ${uid('4111')}`
    await s.upsertCustomer({ channelId: 'ch-1', customerId: x, name })
    const closed = uid('th')
    await s.openThread('ch-1', x, closed)
    await s.insertMessage(newMessage(closed, uid('m'), { text: secret, authorName: name, raw: { authorEndUserIdentity: { idOnExternalPlatform: x, fullName: name } } }))
    await s.closeThread('ch-1', closed, 'done')
    const open1 = uid('th')
    await s.startThread('ch-1', x, open1)
    const undelivered = uid('m')
    const job = { kind: 'platform.deliver', orderKey: `platform:ch-1:${open1}`, dedupeKey: `deliver:ch-1:${undelivered}`, payload: { channelId: 'ch-1', messageId: undelivered } }
    await s.insertMessage(newMessage(open1, undelivered, { direction: 'outbound', text: `${secret} (agent)` }), job)
    await delivered(s, { kind: 'dfo.createMessage', orderKey: `dfo:ch-1:${closed}`, dedupeKey: `dfo-msg:ch-1:${x}`, payload: { channelId: 'ch-1', threadId: closed } })
    await s.setTimer({ key: `idle:ch-1|${open1}`, kind: 'idle-warning', dueAt: Date.now() + DAY, payload: { channelId: 'ch-1', threadId: open1 } })
    await s.putDoc(`attachment-copies:${open1}`, 'att', { id: 'att', threadId: open1, friendlyName: `${name}.png`, state: 'kept' })
    await s.putDoc(`attachment-content:${open1}`, 'att', { base64: Buffer.from(secret).toString('base64') })
    await s.putDoc(`presence:ch-1:${x}`, 'conn-1', { connectionId: 'conn-1', state: 'present', until: 0 })
    await revokeCustomerTokens(s, 'ch-1', x, 1)
    await s.remember('webhook:ch-1:/in', uid('hook'), { answer: { messages: [{ messageId: undelivered, threadId: open1 }] } }, DAY)
    await s.putDoc('idem:reply:ch-1', uid('key'), { idOnExternalPlatform: undelivered })
    // the sandbox emulator's records, filed under the CXone channel id and the emulator's own thread id
    const sbThread = uid('sb-thread')
    await s.putDoc('sandbox:customers', `cx-1|${x}`, { channelId: 'cx-1', idOnExternalPlatform: x, firstName: name })
    await s.putDoc('sandbox:threads', sbThread, { id: sbThread, channelId: 'cx-1', idOnExternalPlatform: open1, customerId: x })
    await s.putDoc(`sandbox:messages:${sbThread}`, uid('sbm'), { text: secret })
    await s.putDoc('sandbox:thread-open', sbThread, { canAddMoreMessages: true })
    // another customer of the same channel, who must keep everything
    const y = await conversation(s, 'ch-1', Date.now(), 'Yolanda Keep')
    await s.putDoc(`presence:ch-1:${y.customerId}`, 'conn-2', { connectionId: 'conn-2', state: 'present', until: 0 })
    await s.putDoc('sandbox:threads', uid('sb-thread'), { channelId: 'cx-1', idOnExternalPlatform: y.threadId, customerId: y.customerId })

    const before = await bytesOf(s)
    for (const needle of [x, name, secret]) t.ok(before.includes(needle), `the store's bytes hold '${needle}' before (the search can find it)`)

    const erasedAt = Date.now()
    const report = await eraseCustomer(s, channel, x, erasedAt)
    t.match(report, {
      channelId: 'ch-1', customerId: x, deadLettered: 1, identityRevoked: true,
      removed: { customer: 1, threads: 2, messages: 2, attachmentCopies: 1, idempotencyKeys: 2, timers: 1, jobs: 1, emulatorRecords: 4, documents: 2 },
      store: { driver: s.driver, walCheckpointed: true }
    })
    t.equal(await s.getCustomer('ch-1', x), undefined)
    t.same(await s.listThreads({ channelId: 'ch-1', customerId: x }), [])
    const [dl] = await s.listJobs({ state: 'dead' })
    t.match(dl, { kind: 'platform.deliver', lastError: 'erased', payload: { erased: true }, orderKey: `erased:${dl!.jobId}` })
    t.equal(dl!.dedupeKey, undefined)
    t.same(await s.listJobs({ state: 'pending' }), [], 'nothing of the customer is left to deliver')
    t.ok((await customerTokensNotBefore(s, 'ch-1', x))! >= erasedAt, 'tokens issued before the erasure are refused')

    const after = await bytesOf(s)
    for (const needle of [x, name, secret]) t.notOk(after.includes(needle), `no bytes of '${needle}' left`)
    t.ok(after.includes('Yolanda Keep') && after.includes(y.customerId), 'the other customer is all there')
    t.ok(await s.getThread('ch-1', y.threadId))
    t.equal((await s.listMessages('ch-1', y.threadId)).length, 2)
    t.equal((await s.listDocs(`presence:ch-1:${y.customerId}`)).length, 1)
    t.equal((await s.listDocs('sandbox:threads')).length, 1)
    t.match(await eraseCustomer(s, channel, x), { removed: { customer: 0, threads: 0, messages: 0 }, deadLettered: 0 }, 'erasing again is harmless')
  })

  t.test('export holds everything about the customer and round-trips', async t => {
    const s = await fresh(t, open)
    const x = await conversation(s, 'ch-1', Date.now(), 'Exporta')
    await s.upsertCustomer({ channelId: 'ch-1', customerId: x.customerId, name: 'Exporta', avatar: 'https://a.example/x.png' })
    await s.closeThread('ch-1', x.threadId, 'done')
    const second = uid('th')
    await s.startThread('ch-1', x.customerId, second)
    await s.insertMessage(newMessage(second, uid('m'), { direction: 'outbound', authorName: 'Agent', attachments: [{ friendlyName: 'a.png', url: 'https://hub/a', mimeType: 'image/png' }], raw: { nested: { keep: [1, 'two'] } } }))
    await s.putDoc(`attachment-copies:${second}`, 'att', { id: 'att', threadId: second, sourceUrl: 'https://cxone/a', friendlyName: 'a.png', mimeType: 'image/png', state: 'kept', size: 3 })
    await s.putDoc(`attachment-content:${second}`, 'att', { base64: 'AAEC' })
    await conversation(s, 'ch-1', Date.now(), 'Someone Else')

    const doc = await exportCustomer(s, 'ch-1', x.customerId)
    t.equal(doc.threads.length, 2)
    t.same(doc.attachmentCopies, [{ threadId: second, id: 'att', friendlyName: 'a.png', mimeType: 'image/png', state: 'kept', size: 3, sourceUrl: 'https://cxone/a', contentBase64: 'AAEC' }])
    const back = recordsOfExport(JSON.stringify(doc))
    t.same(back.customer, await s.getCustomer('ch-1', x.customerId))
    const threads = await s.listThreads({ channelId: 'ch-1', customerId: x.customerId })
    const byId = <T extends { threadId: string }>(xs: T[]): T[] => [...xs].sort((p, q) => p.threadId < q.threadId ? -1 : 1)
    t.same(byId(back.threads), byId(threads))
    const messages = [...await s.listMessages('ch-1', x.threadId), ...await s.listMessages('ch-1', second)]
    t.same(back.messages, messages, 'every message, verbatim, back from the JSON')
    t.throws(() => recordsOfExport(JSON.stringify({ ...doc, format: 'other' })), /not a byoc-hub.customer-export.v1 document/)
    t.same(recordsOfExport(JSON.stringify(await exportCustomer(s, 'ch-1', 'nobody'))), { threads: [], messages: [] }, 'an unknown customer exports empty')
  })
}
