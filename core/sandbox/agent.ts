import type { SandboxOptions } from './options.js'
import { Errors } from '../errors.js'
import { HubCallError, type HubClient } from './hub-client.js'
import { SANDBOX_AGENT, sandboxBrand } from './identity.js'
import { FINAL_CONTACT_STATUSES, type SbCustomer, type SbMessage, type SbThread } from './model.js'
import type { SandboxState } from './state.js'

const enc = encodeURIComponent
const AUTHOR = { firstName: SANDBOX_AGENT.firstName, lastName: SANDBOX_AGENT.lastName }
const AUTHOR_NAME = `${AUTHOR.firstName} ${AUTHOR.lastName}`

interface OutboundAnswer { message?: { idOnExternalPlatform?: unknown }, thread?: { idOnExternalPlatform?: unknown } }

/** What the agent at the console does, played against the hub exactly as CXone would. */
export class Agent {
  constructor (private readonly opts: SandboxOptions, private readonly state: SandboxState, private readonly hub: HubClient) {}

  async reply (threadId: string, text: string): Promise<SbMessage> {
    const thread = await this.thread(threadId)
    if (!await this.state.isOpen(thread.id)) throw new Errors.SANDBOX_THREAD_CLOSED('This conversation has ended')
    const customer = await this.customer(thread.channelId, thread.customerId)
    const message = this.state.newMessage({
      channelId: thread.channelId, threadId: thread.id, direction: 'outbound', text, attachments: [], authorName: AUTHOR_NAME, sendState: 'sending'
    })
    await this.state.putMessage(message)
    try {
      const answer = await this.sendOutbound(thread.channelId, customer, text, thread.idOnExternalPlatform)
      const sent: SbMessage = { ...message, idOnExternalPlatform: answer.messageId, sendState: 'sent' }
      await this.state.putMessage(sent)
      await this.afterAgentMessage(thread)
      return sent
    } catch (err) {
      const failed: SbMessage = { ...message, sendState: 'failed', error: (err as Error).message }
      await this.state.putMessage(failed)
      return failed
    }
  }

  /** A new conversation with a known customer: the hub names the new thread. */
  async outbound (channelId: string, customerId: string, text: string): Promise<{ thread: SbThread, message: SbMessage }> {
    const customer = await this.customer(channelId, customerId)
    const answer = await this.sendOutbound(channelId, customer, text)
    if (!answer.threadId) throw new Errors.SANDBOX_HUB_FAILED('The hub answered a new outbound message without thread.idOnExternalPlatform')
    const thread = await this.state.ensureThread(channelId, answer.threadId, customerId)
    const message = this.state.newMessage({
      channelId, threadId: thread.id, direction: 'outbound', idOnExternalPlatform: answer.messageId, text, attachments: [], authorName: AUTHOR_NAME, sendState: 'sent'
    })
    await this.state.putMessage(message)
    await this.afterAgentMessage(thread)
    return { thread, message }
  }

  async typing (threadId: string, action: 'isTypingOn' | 'isTypingOff'): Promise<void> {
    const thread = await this.thread(threadId)
    await this.call(`/1.0/channel/${enc(thread.channelId)}/thread/${enc(thread.idOnExternalPlatform)}/sender-action`, {
      brand: this.brand(), senderAction: { action }, authorUser: AUTHOR
    })
  }

  /**
   * "End conversation", as a CXone agent does it: the case (contact) is closed. The thread is not archived
   * (canAddMoreMessages stays true), so a later customer message on it opens a new case. The hub learns of the
   * close only by reading case status (C19/C20): CXone does not call it.
   */
  async end (threadId: string): Promise<void> {
    const thread = await this.thread(threadId)
    const contact = await this.state.threadContact(thread.id)
    // CXone's agent ends a case; a thread whose first message is still being created has none to end. Saying so
    // beats a 204 that ends nothing while the case the message is about to open stays open for good.
    if (!contact) throw new Errors.SANDBOX_NO_CASE('This thread has no case yet: its first message is still being created')
    if (!FINAL_CONTACT_STATUSES.includes(contact.status)) await this.state.setContactStatus(contact, 'closed')
  }

  private async afterAgentMessage (thread: SbThread): Promise<void> {
    await this.state.touch(thread.id)
    const contact = await this.state.activeContact(thread)
    if (contact.status === 'new') await this.state.setContactStatus(contact, 'open')
  }

  private async sendOutbound (channelId: string, customer: SbCustomer, text: string, threadExtId?: string): Promise<{ messageId: string, threadId?: string }> {
    const body = {
      brand: this.brand(),
      ...(threadExtId ? { thread: { idOnExternalPlatform: threadExtId } } : {}),
      messageContent: { type: 'TEXT', payload: { text } },
      endUserRecipients: [{ idOnExternalPlatform: customer.idOnExternalPlatform, name: customer.name, isPrimary: true, isPrivate: false }],
      authorUser: AUTHOR,
      attachments: []
    }
    const res = await this.call(`/2.0/channel/${enc(channelId)}/outbound`, body)
    const answer = (res ?? {}) as OutboundAnswer
    const messageId = answer.message?.idOnExternalPlatform
    if (typeof messageId !== 'string' || !messageId) throw new Errors.SANDBOX_HUB_FAILED('The hub answered without message.idOnExternalPlatform')
    const threadId = answer.thread?.idOnExternalPlatform
    return { messageId, ...(typeof threadId === 'string' && threadId ? { threadId } : {}) }
  }

  private async call (path: string, body: unknown): Promise<unknown> {
    try {
      return (await this.hub.post(path, body)).body
    } catch (err) {
      if (err instanceof HubCallError) throw new Errors.SANDBOX_HUB_FAILED(err.message)
      throw err
    }
  }

  private brand () { return { id: this.opts.brandId, friendlyName: sandboxBrand(this.opts.brandId).friendlyName } }

  private async thread (id: string): Promise<SbThread> {
    const t = await this.state.getThread(id)
    if (!t) throw new Errors.SANDBOX_NOT_FOUND(`Thread ${id} not found`)
    return t
  }

  private async customer (channelId: string, id: string): Promise<SbCustomer> {
    const c = await this.state.getCustomer(channelId, id)
    if (!c) throw new Errors.SANDBOX_NOT_FOUND(`Customer ${id} not found on channel ${channelId}`)
    return c
  }
}
