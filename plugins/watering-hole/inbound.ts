import type { CxoneInboundMessage, InboundTranslator } from '@byoc-hub/plugin-api'

/** A customer's message as the socket hands it to the hub: everything the translator needs, stamped by the server. */
export interface WateringHoleEvent {
  readonly clientMessageId: string
  readonly threadId: string
  readonly customer: { readonly customerId: string, readonly name: string, readonly avatarUrl?: string }
  readonly text: string
  readonly attachments: ReadonlyArray<{ readonly friendlyName: string, readonly url: string, readonly mimeType?: string }>
  /** epoch ms when the server accepted the frame */
  readonly sentAt: number
}

/**
 * The DFO message id of a widget message. Scoped by customer so one animal cannot collide with (and so
 * probe) another's ids; deterministic so a resend after a dropped connection deduplicates.
 */
export function wateringHoleMessageId (customerId: string, clientMessageId: string): string {
  return `wh-${customerId}-${clientMessageId}`
}

/** The clientMessageId back from a message id, when the message is this customer's own. */
export function clientMessageIdOf (customerId: string, messageId: string): string | undefined {
  const prefix = `wh-${customerId}-`
  return messageId.startsWith(prefix) ? messageId.slice(prefix.length) : undefined
}

export const inbound: InboundTranslator<WateringHoleEvent> = {
  toCxone (event) {
    const { customer } = event
    const message: CxoneInboundMessage = {
      idOnExternalPlatform: wateringHoleMessageId(customer.customerId, event.clientMessageId),
      direction: 'inbound',
      createdAtWithMilliseconds: new Date(event.sentAt).toISOString(),
      thread: { idOnExternalPlatform: event.threadId, threadName: `Chat with ${customer.name}` },
      messageContent: { type: 'TEXT', payload: { text: event.text } },
      authorEndUserIdentity: {
        idOnExternalPlatform: customer.customerId,
        firstName: customer.name,
        nickname: customer.name,
        ...(customer.avatarUrl !== undefined ? { image: customer.avatarUrl } : {})
      },
      ...(event.attachments.length > 0
        ? { attachments: event.attachments.map(a => ({ friendlyName: a.friendlyName, url: a.url, ...(a.mimeType !== undefined ? { mimeType: a.mimeType } : {}) })) }
        : {})
    }
    return [message]
  }
}
