import { randomInt, randomUUID } from 'node:crypto'
import type { DocumentsPort } from '../store/types.js'
import type {
  ContactStatus, SbChannel, SbContact, SbCustomer, SbMessage, SbMessageStatus, SbThread
} from './model.js'
import { FINAL_CONTACT_STATUSES } from './model.js'

const C = {
  channels: 'sandbox:channels',
  customers: 'sandbox:customers',
  threads: 'sandbox:threads',
  threadIndex: 'sandbox:thread-index',
  threadOpen: 'sandbox:thread-open',
  threadContact: 'sandbox:thread-contact',
  activity: 'sandbox:activity',
  typing: 'sandbox:typing',
  contacts: 'sandbox:contacts',
  messages: (threadId: string) => `sandbox:messages:${threadId}`,
  inbound: 'sandbox:inbound',
  status: 'sandbox:message-status'
} as const

/** Where the emulator keeps its records: erasure (core/privacy/footprint.ts) finds a customer's by these. */
export const SANDBOX_COLLECTIONS = C

const FOREVER_MS = 10 * 365 * 24 * 3600_000
/** how long "customer is typing" shows without a new isTypingOn (a lost isTypingOff must not stick) */
const TYPING_SHOWN_MS = 30_000
const key = (...parts: string[]): string => parts.join('|')
let tieBreak = 0

export interface ThreadView extends SbThread {
  canAddMoreMessages: boolean
  contact?: SbContact
  lastActivityAt: number
  customerTyping: boolean
}

/** The emulated CXone's data, kept entirely in the hub's store so several sandbox instances agree. */
export class SandboxState {
  constructor (readonly store: DocumentsPort) {}

  // channels
  getChannel (id: string): Promise<SbChannel | undefined> { return this.store.getDoc<SbChannel>(C.channels, id) }
  listChannels (): Promise<SbChannel[]> { return this.store.listDocs<SbChannel>(C.channels) }
  putChannel (ch: SbChannel): Promise<void> { return this.store.putDoc(C.channels, ch.id, ch) }
  deleteChannel (id: string): Promise<boolean> { return this.store.deleteDoc(C.channels, id) }

  // customers
  getCustomer (channelId: string, id: string): Promise<SbCustomer | undefined> { return this.store.getDoc<SbCustomer>(C.customers, key(channelId, id)) }
  listCustomers (): Promise<SbCustomer[]> { return this.store.listDocs<SbCustomer>(C.customers) }
  putCustomer (c: SbCustomer): Promise<void> { return this.store.putDoc(C.customers, key(c.channelId, c.idOnExternalPlatform), c) }

  // threads
  async findThread (channelId: string, idOnExternalPlatform: string): Promise<SbThread | undefined> {
    const id = await this.store.getDoc<string>(C.threadIndex, key(channelId, idOnExternalPlatform))
    return id === undefined ? undefined : this.getThread(id)
  }

  getThread (id: string): Promise<SbThread | undefined> { return this.store.getDoc<SbThread>(C.threads, id) }

  /** Creates the thread unless it exists; two instances racing on one thread id agree through `remember`. */
  async ensureThread (channelId: string, idOnExternalPlatform: string, customerId: string, threadName?: string): Promise<SbThread> {
    const k = key(channelId, idOnExternalPlatform)
    const won = await this.store.remember(C.threadIndex, k, randomUUID(), FOREVER_MS)
    const id = won.value as string
    if (!won.created) {
      const existing = await this.getThread(id)
      if (existing) return existing
    }
    const thread: SbThread = { id, channelId, idOnExternalPlatform, customerId, createdAt: Date.now(), ...(threadName ? { threadName } : {}) }
    await this.store.putDoc(C.threads, id, thread)
    await this.store.putDoc(C.threadIndex, k, id)
    await this.setOpen(id, true)
    await this.touch(id)
    return thread
  }

  listThreads (): Promise<SbThread[]> { return this.store.listDocs<SbThread>(C.threads) }

  async isOpen (threadId: string): Promise<boolean> {
    return (await this.store.getDoc<{ canAddMoreMessages: boolean }>(C.threadOpen, threadId))?.canAddMoreMessages ?? true
  }

  setOpen (threadId: string, canAddMoreMessages: boolean): Promise<void> {
    return this.store.putDoc(C.threadOpen, threadId, { canAddMoreMessages, updatedAt: Date.now() })
  }

  touch (threadId: string, at = Date.now()): Promise<void> { return this.store.putDoc(C.activity, threadId, { at }) }

  setCustomerTyping (threadId: string, on: boolean): Promise<void> {
    return this.store.putDoc(C.typing, threadId, { until: on ? Date.now() + TYPING_SHOWN_MS : 0 })
  }

  async view (t: SbThread): Promise<ThreadView> {
    const [open, contact, activity, typing] = await Promise.all([
      this.isOpen(t.id), this.threadContact(t.id),
      this.store.getDoc<{ at: number }>(C.activity, t.id), this.store.getDoc<{ until: number }>(C.typing, t.id)
    ])
    return {
      ...t,
      canAddMoreMessages: open,
      ...(contact ? { contact } : {}),
      lastActivityAt: activity?.at ?? t.createdAt,
      customerTyping: (typing?.until ?? 0) > Date.now()
    }
  }

  // contacts (cases)
  getContact (id: string): Promise<SbContact | undefined> { return this.store.getDoc<SbContact>(C.contacts, id) }
  listContacts (): Promise<SbContact[]> { return this.store.listDocs<SbContact>(C.contacts) }

  async threadContact (threadId: string): Promise<SbContact | undefined> {
    const ref = await this.store.getDoc<{ contactId: string }>(C.threadContact, threadId)
    return ref ? this.getContact(ref.contactId) : undefined
  }

  /** The thread's live contact, or a new one when there is none or the last one was closed. */
  async activeContact (thread: SbThread): Promise<SbContact> {
    const current = await this.threadContact(thread.id)
    if (current && !FINAL_CONTACT_STATUSES.includes(current.status)) return current
    const now = Date.now()
    const contact: SbContact = {
      id: String(randomInt(100_000_000, 999_999_999)),
      threadId: thread.id, channelId: thread.channelId, customerId: thread.customerId,
      status: 'new', createdAt: now, statusUpdatedAt: now
    }
    await this.store.putDoc(C.contacts, contact.id, contact)
    await this.store.putDoc(C.threadContact, thread.id, { contactId: contact.id })
    return contact
  }

  async setContactStatus (contact: SbContact, status: ContactStatus): Promise<SbContact> {
    const next = { ...contact, status, statusUpdatedAt: Date.now() }
    await this.store.putDoc(C.contacts, contact.id, next)
    return next
  }

  // messages
  newMessage (m: Omit<SbMessage, 'id' | 'createdAt' | 'n'>): SbMessage {
    return { id: randomUUID(), createdAt: Date.now(), n: tieBreak++, ...m }
  }

  putMessage (m: SbMessage): Promise<void> { return this.store.putDoc(C.messages(m.threadId), m.id, m) }
  getMessage (threadId: string, id: string): Promise<SbMessage | undefined> { return this.store.getDoc<SbMessage>(C.messages(threadId), id) }

  async listMessages (threadId: string): Promise<SbMessage[]> {
    const all = await this.store.listDocs<SbMessage>(C.messages(threadId))
    return all.sort((a, b) => a.createdAt - b.createdAt || a.n - b.n)
  }

  /** Claims a customer message id on a channel; a repeat gets the first claim's ids back. */
  async claimInbound (channelId: string, idOnExternalPlatform: string, ids: { threadId: string, messageId: string }): Promise<{ threadId: string, messageId: string, created: boolean }> {
    const r = await this.store.remember(C.inbound, key(channelId, idOnExternalPlatform), ids, FOREVER_MS)
    return { ...(r.value as { threadId: string, messageId: string }), created: r.created }
  }

  async peekInbound (channelId: string, idOnExternalPlatform: string): Promise<{ threadId: string, messageId: string } | undefined> {
    return this.store.getDoc(C.inbound + ':seen', key(channelId, idOnExternalPlatform))
  }

  markInboundSeen (channelId: string, idOnExternalPlatform: string, ids: { threadId: string, messageId: string }): Promise<void> {
    return this.store.putDoc(C.inbound + ':seen', key(channelId, idOnExternalPlatform), ids)
  }

  // delivery status of agent messages, keyed by the id the hub gave them
  setMessageStatus (channelId: string, idOnExternalPlatform: string, s: SbMessageStatus): Promise<void> {
    return this.store.putDoc(C.status, key(channelId, idOnExternalPlatform), s)
  }

  getMessageStatus (channelId: string, idOnExternalPlatform: string): Promise<SbMessageStatus | undefined> {
    return this.store.getDoc<SbMessageStatus>(C.status, key(channelId, idOnExternalPlatform))
  }
}
