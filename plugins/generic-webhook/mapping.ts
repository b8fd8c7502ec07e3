import type { Mapping, GenericWebhookConfig } from './config.js'
import { getPointer } from './json-pointer.js'
import { GenericWebhookErrors } from './errors.js'

/** A platform event reduced to what the hub needs, after the mapping. */
export interface WebhookEvent {
  readonly messageId: string
  readonly customerId: string
  readonly customerName?: string
  readonly threadId?: string
  readonly text: string
  readonly createdAt: string
  readonly attachments: ReadonlyArray<{ readonly url: string, readonly friendlyName: string, readonly mimeType?: string }>
}

const MAX_ID = 255

function idAt (doc: unknown, pointer: string, field: string): string {
  const v = getPointer(doc, pointer)
  const s = typeof v === 'number' && Number.isFinite(v) ? String(v) : v
  if (typeof s !== 'string' || s.length === 0 || s.length > MAX_ID) {
    throw new GenericWebhookErrors.MAPPING(`${field} at ${pointer} must be a non-empty string or number of at most ${MAX_ID} characters`)
  }
  return s
}

function optionalString (doc: unknown, pointer: string | undefined, field: string): string | undefined {
  if (pointer === undefined) return undefined
  const v = getPointer(doc, pointer)
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') throw new GenericWebhookErrors.MAPPING(`${field} at ${pointer} must be a string`)
  return v
}

function createdAt (doc: unknown, pointer: string | undefined, now: number): string {
  const v = pointer === undefined ? undefined : getPointer(doc, pointer)
  if (v === undefined || v === null) return new Date(now).toISOString()
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN
  if (!Number.isFinite(ms)) throw new GenericWebhookErrors.MAPPING(`createdAt at ${pointer} must be an ISO 8601 time or epoch milliseconds`)
  return new Date(ms).toISOString()
}

function attachments (doc: unknown, pointer: string | undefined): WebhookEvent['attachments'] {
  const v = pointer === undefined ? undefined : getPointer(doc, pointer)
  if (v === undefined || v === null) return []
  if (!Array.isArray(v)) throw new GenericWebhookErrors.MAPPING(`attachments at ${pointer} must be an array`)
  return v.map((a: unknown, i) => {
    const { url, name, mimeType } = (a ?? {}) as Record<string, unknown>
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new GenericWebhookErrors.MAPPING(`attachments at ${pointer}/${i}/url must be an http(s) URL`)
    return { url, friendlyName: typeof name === 'string' && name ? name : url.split('/').pop() || 'attachment', ...(typeof mimeType === 'string' ? { mimeType } : {}) }
  })
}

/** Whether the event is a message at all (config `when`); other events are acknowledged and ignored. */
export function isMessageEvent (doc: unknown, when: GenericWebhookConfig['when']): boolean {
  return !when || getPointer(doc, when.pointer) === when.equals
}

/** Applies the configured mapping; throws BYOC_GENERIC_WEBHOOK_ERR_MAPPING naming the pointer that did not fit. */
export function mapEvent (doc: unknown, mapping: Mapping, now = Date.now()): WebhookEvent {
  const text = optionalString(doc, mapping.text, 'text') ?? ''
  const files = attachments(doc, mapping.attachments)
  if (text.trim() === '' && files.length === 0) throw new GenericWebhookErrors.MAPPING(`text at ${mapping.text} is empty and there are no attachments`)
  const customerName = optionalString(doc, mapping.customerName, 'customerName')
  const threadId = mapping.threadId === undefined || getPointer(doc, mapping.threadId) === undefined ? undefined : idAt(doc, mapping.threadId, 'threadId')
  return {
    messageId: idAt(doc, mapping.messageId, 'messageId'),
    customerId: idAt(doc, mapping.customerId, 'customerId'),
    ...(customerName ? { customerName } : {}),
    ...(threadId ? { threadId } : {}),
    text,
    createdAt: createdAt(doc, mapping.createdAt, now),
    attachments: files
  }
}
