import type { ContractDriver, ContractEnv, InboundSample, PlatformDelivery, SinkRequest } from '@byoc-hub/plugin-kit'
import { jsonRequest } from '@byoc-hub/plugin-kit'
import { secretKey, signedHeaders } from '../../../plugins/generic-webhook/index.js'

export const SECRET = `whsec_${Buffer.from('generic-webhook-inbound-secret-32b').toString('base64')}`
export const OUTBOUND_SECRET = `whsec_${Buffer.from('generic-webhook-outbound-secret-32').toString('base64')}`
export const WRONG_SECRET = `whsec_${Buffer.from('not-the-secret-the-hub-was-given!!').toString('base64')}`

export const MAPPING = { messageId: '/message/id', customerId: '/user/id', customerName: '/user/name', text: '/message/text', attachments: '/message/files' }

export const channelConfig = (platformUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ platformUrl, secret: SECRET, outboundSecret: OUTBOUND_SECRET, mapping: MAPPING, when: { pointer: '/type', equals: 'message' }, ...extra })

/** A platform event in the shape MAPPING describes. */
export const platformEvent = (s: InboundSample): Record<string, unknown> =>
  ({ type: 'message', user: { id: s.customerId, name: s.customerName }, message: { id: s.messageId, text: s.text } })

/** POSTs `body` signed as the platform signs (Standard Webhooks); `raw` lets a test send bytes that are not JSON. */
export async function postSigned (channelUrl: string, id: string, body: unknown, opts: { secret?: string, nowMs?: number, raw?: string, headers?: Record<string, string> } = {}): Promise<{ status: number, body: any }> { // intentional any: tests read JSON
  const json = opts.raw ?? JSON.stringify(body)
  return jsonRequest('POST', `${channelUrl}/events`, json, { ...signedHeaders(secretKey(opts.secret ?? SECRET), id, json, opts.nowMs), ...opts.headers })
}

export function decode (req: SinkRequest): PlatformDelivery | undefined {
  const b = req.json as Record<string, any> | undefined // intentional any: the platform's JSON
  if (!b) return undefined
  const customerId = String(b.customerId)
  switch (b.type) {
    case 'message': return { kind: 'message', customerId, text: String(b.text), attachmentUrls: (b.attachments as Array<{ url: string }>).map(a => a.url) }
    case 'typing': return { kind: 'typing', customerId, on: b.on === true }
    case 'thread.closed': return { kind: 'closed', customerId }
    default: return { kind: 'other', customerId }
  }
}

export const driver: ContractDriver = {
  config: ({ platformUrl }) => channelConfig(platformUrl),
  // the platform's webhook-id of an event is stable across its retries; each attempt is signed afresh
  sendInbound: (env: ContractEnv, s, { forge }) => postSigned(env.channelUrl, `evt-${s.messageId}`, platformEvent(s), forge ? { secret: WRONG_SECRET } : {}),
  sendMalformed: (env) => postSigned(env.channelUrl, 'evt-malformed', { type: 'message', user: {}, message: { id: 'm', text: 'no customer' } }),
  decode
}
