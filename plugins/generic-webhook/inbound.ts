import type { CxoneInboundMessage, InboundTranslator } from '@byoc-hub/plugin-api'
import type { WebhookEvent } from './mapping.js'

/** A mapped event with the thread core resolved for it (the platform's, or the customer's current one). */
export interface ResolvedWebhookEvent extends WebhookEvent { readonly threadId: string }

/** Mapped platform event -> DFO create-message body. The platform's message id is the stable idOnExternalPlatform. */
export const inbound: InboundTranslator<ResolvedWebhookEvent> = {
  toCxone (e): CxoneInboundMessage[] {
    return [{
      idOnExternalPlatform: e.messageId,
      direction: 'inbound',
      createdAtWithMilliseconds: e.createdAt,
      thread: { idOnExternalPlatform: e.threadId },
      messageContent: { type: 'TEXT', payload: { text: e.text } },
      authorEndUserIdentity: { idOnExternalPlatform: e.customerId, ...(e.customerName ? { firstName: e.customerName } : {}) },
      ...(e.attachments.length > 0 ? { attachments: e.attachments.map(a => ({ ...a })) } : {})
    }]
  }
}
