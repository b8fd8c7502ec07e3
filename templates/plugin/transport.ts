import { randomUUID } from 'node:crypto'
import { signedWebhookHeaders, webhookSecretKey, type ChannelTransport } from '@byoc-hub/plugin-api'
import type { Config } from './config.js'
import type { PlatformMessage } from './translators.js'

/** The only I/O toward the platform. A throw makes the hub retry later, so anything but a 2xx throws. */
export function platformTransport (config: Config): ChannelTransport<PlatformMessage> {
  const key = webhookSecretKey(config.signingSecret)
  // signed as the platform signs (Standard Webhooks); webhook-id is the hub's message id for a message, the same on every retry, so the platform can dedupe
  const post = async (id: string, body: unknown, signal: AbortSignal): Promise<void> => {
    const json = JSON.stringify(body)
    const res = await fetch(config.platformUrl, {
      method: 'POST',
      redirect: 'error', // the URL is the operator's, never one the platform redirects to
      headers: { 'content-type': 'application/json', ...signedWebhookHeaders(key, id, json) },
      body: json,
      signal: AbortSignal.any([signal, AbortSignal.timeout(config.timeoutMs)])
    })
    await res.body?.cancel()
    if (!res.ok) throw new Error('platform answered ' + res.status)
  }
  return {
    async send (msg, { signal }) { await post(msg.id, msg, signal) },
    async signal (event, { signal }) {
      if (event.type === 'typing') await post(randomUUID(), { type: 'typing', customerId: event.customerId, threadId: event.threadId, on: event.on }, signal)
      if (event.type === 'thread-closed') await post(`closed-${event.threadId}`, { type: 'closed', customerId: event.customerId, threadId: event.threadId, reason: event.reason }, signal)
    }
  }
}
