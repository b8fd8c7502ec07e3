import type { CxoneInboundMessage, InboundTranslator, OutboundTranslator } from '@byoc-hub/plugin-api'

/** A customer message as webhook.ts reads it, with the thread the hub resolved (the customer's current one). */
export interface PlatformEvent { customerId: string, customerName?: string, messageId: string, text: string, threadId: string }

/** An agent message as the platform receives it. */
export interface PlatformMessage { type: 'message', id: string, customerId: string, threadId: string, text: string }

/** Pure: the platform's own message id is the stable idOnExternalPlatform, so a platform retry is deduplicated. */
export const inbound: InboundTranslator<PlatformEvent> = {
  toCxone (e): CxoneInboundMessage[] {
    return [{
      idOnExternalPlatform: e.messageId,
      direction: 'inbound',
      createdAtWithMilliseconds: new Date().toISOString(),
      thread: { idOnExternalPlatform: e.threadId },
      messageContent: { type: 'TEXT', payload: { text: e.text } },
      authorEndUserIdentity: { idOnExternalPlatform: e.customerId, ...(e.customerName ? { firstName: e.customerName } : {}) }
    }]
  }
}

export const outbound: OutboundTranslator<PlatformMessage> = {
  fromCxone (m) {
    return {
      type: 'message',
      id: m.idOnExternalPlatform,
      customerId: m.recipients[0]?.idOnExternalPlatform ?? '',
      threadId: m.thread.idOnExternalPlatform,
      text: m.messageContent.payload.text ?? m.messageContent.fallbackText ?? ''
    }
  }
}
