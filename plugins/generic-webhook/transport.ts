import { randomUUID } from 'node:crypto'
import type { ChannelSignal, ChannelTransport } from '@byoc-hub/plugin-api'
import { signalBody, type WebhookAgentMessage } from './outbound.js'
import { secretKey, signedHeaders } from './signature.js'
import type { GenericWebhookConfig } from './config.js'

/** The webhook-id of a signal: stable where a retry must be recognisable (close, idle), fresh for typing. */
function signalId (s: ChannelSignal): string {
  switch (s.type) {
    case 'thread-closed': return `closed:${s.threadId}`
    case 'idle-warning': return `idle-warning:${s.threadId}:${s.endsAt}`
    default: return `${s.type}:${s.threadId}:${randomUUID()}`
  }
}

/**
 * Signed POSTs to the configured platform URL. A throw is a retry by core's durable worker, so anything but a 2xx
 * throws, and the webhook-id of a message is its hub id: the platform dedupes our retries with it. Redirects are
 * refused (fetch redirect: 'error'): the URL is the one the operator configured, never one the platform names.
 */
export function webhookTransport (config: GenericWebhookConfig): ChannelTransport<WebhookAgentMessage> {
  const key = secretKey(config.outboundSecret ?? config.secret)
  const post = async (id: string, body: unknown, signal: AbortSignal): Promise<void> => {
    const json = JSON.stringify(body)
    const res = await fetch(config.platformUrl, {
      method: 'POST',
      redirect: 'error',
      headers: { 'content-type': 'application/json', 'user-agent': 'byoc-hub-generic-webhook', ...signedHeaders(key, id, json) },
      body: json,
      signal: AbortSignal.any([signal, AbortSignal.timeout(config.timeoutMs)])
    })
    await res.body?.cancel()
    if (res.status < 200 || res.status >= 300) throw new Error(`platform answered ${res.status} for ${id}`)
  }
  return {
    async send (msg, { signal, target }) {
      await post(target.messageId, msg, signal)
      return { externalId: target.messageId }
    },
    async signal (event, { signal }) {
      const body = signalBody(event)
      if (body) await post(signalId(event), body, signal)
    }
  }
}
