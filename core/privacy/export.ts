import { Value } from 'typebox/value'
import type { Customer, Store, StoredMessage, Thread } from '../store/types.js'
import { attachmentCollections, type KeptAttachment } from '../attachments/keeper.js'
import { customerTokensNotBefore } from '../channels/customer-tokens.js'
import { allMessages, customerThreads } from './erasure.js'
import { CUSTOMER_EXPORT_FORMAT, CustomerExportSchema, type CustomerExport } from './export-schema.js'

/** Right of access and portability: everything the store holds about one customer of one channel, as one document. */
export async function exportCustomer (store: Store, channelId: string, customerId: string, now = Date.now()): Promise<CustomerExport> {
  const customer = await store.getCustomer(channelId, customerId)
  const threads = (await customerThreads(store, channelId, customerId)).sort((a, b) => a.createdAt - b.createdAt || (a.threadId < b.threadId ? -1 : 1))
  const out: CustomerExport['threads'] = []
  const copies: CustomerExport['attachmentCopies'] = []
  for (const t of threads) {
    const messages = await allMessages(store, channelId, t.threadId)
    out.push({
      threadId: t.threadId, status: t.status, ...(t.closedReason !== undefined ? { closedReason: t.closedReason } : {}),
      createdAt: t.createdAt, lastActivityAt: t.lastActivityAt, ...(t.contactId !== undefined ? { contactId: t.contactId } : {}),
      messages: messages.map(({ threadId: _t, channelId: _c, attachments, ...m }) => ({ ...m, attachments: [...attachments] }))
    })
    const { meta, content } = attachmentCollections(t.threadId)
    for (const a of await store.listDocs<KeptAttachment>(meta)) {
      const kept = a.state === 'kept' ? await store.getDoc<{ base64: string }>(content, a.id) : undefined
      copies.push({
        threadId: t.threadId, id: a.id, friendlyName: a.friendlyName, ...(a.mimeType !== undefined ? { mimeType: a.mimeType } : {}),
        state: a.state, ...(a.size !== undefined ? { size: a.size } : {}), sourceUrl: a.sourceUrl, ...(kept ? { contentBase64: kept.base64 } : {})
      })
    }
  }
  const revokedAt = await customerTokensNotBefore(store, channelId, customerId)
  return {
    format: CUSTOMER_EXPORT_FORMAT,
    exportedAt: new Date(now).toISOString(),
    channelId,
    customerId,
    customer: customer ? { name: customer.name, ...(customer.avatar !== undefined ? { avatar: customer.avatar } : {}), createdAt: customer.createdAt } : null,
    threads: out,
    attachmentCopies: copies,
    ...(revokedAt !== undefined ? { tokensRevokedAt: revokedAt } : {})
  }
}

/** The store's records an export describes, read back from its JSON: what a round trip must give back unchanged. */
export function recordsOfExport (json: string): { customer?: Customer, threads: Thread[], messages: StoredMessage[] } {
  const doc: unknown = JSON.parse(json)
  if (!Value.Check(CustomerExportSchema, doc)) {
    const first = [...Value.Errors(CustomerExportSchema, doc)][0]
    throw new Error(`not a ${CUSTOMER_EXPORT_FORMAT} document: ${first?.instancePath ?? ''} ${first?.message ?? ''}`)
  }
  const { channelId, customerId } = doc
  return {
    ...(doc.customer ? { customer: { channelId, customerId, ...doc.customer } } : {}),
    threads: doc.threads.map(({ messages: _m, ...t }) => ({ ...t, channelId, customerId })),
    messages: doc.threads.flatMap(t => t.messages.map(m => ({ ...m, threadId: t.threadId, channelId }) as StoredMessage))
  }
}
