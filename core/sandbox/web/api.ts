/** The sandbox console's JSON API (core/sandbox/console-api.ts), relative to the page at .../console/. */

export interface ThreadSummary {
  id: string
  idOnExternalPlatform: string
  channelId: string
  channelName: string
  customerId: string
  customerName: string
  status: 'open' | 'closed'
  contactId?: string
  contactStatus?: string
  customerTyping: boolean
  lastActivityAt: number
}

export interface ConsoleMessage {
  id: string
  idOnExternalPlatform?: string
  direction: 'inbound' | 'outbound'
  text: string
  attachments: Array<{ friendlyName?: string, url: string }>
  authorName: string
  createdAt: number
  status?: 'sending' | 'sent' | 'delivered' | 'seen' | 'failed'
  error?: string
}

export interface CustomerOption { channelId: string, channelName: string, customerId: string, name: string }

export class ApiError extends Error {}

async function call<T> (method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`api/${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {})
  })
  if (res.status === 204) return undefined as T
  const data = await res.json().catch(() => undefined) as { error?: { message?: string } } | undefined
  if (!res.ok) throw new ApiError(data?.error?.message ?? `Request failed (${res.status})`)
  return data as T
}

const id = encodeURIComponent

export const api = {
  threads: () => call<ThreadSummary[]>('GET', 'threads'),
  thread: (threadId: string) => call<{ thread: ThreadSummary, messages: ConsoleMessage[] }>('GET', `threads/${id(threadId)}`),
  reply: (threadId: string, text: string) => call<ConsoleMessage>('POST', `threads/${id(threadId)}/reply`, { text }),
  typing: (threadId: string, action: 'isTypingOn' | 'isTypingOff') => call<void>('POST', `threads/${id(threadId)}/typing`, { action }),
  end: (threadId: string) => call<void>('POST', `threads/${id(threadId)}/end`),
  customers: () => call<CustomerOption[]>('GET', 'customers'),
  outbound: (channelId: string, customerId: string, text: string) => call<{ threadId: string }>('POST', 'outbound', { channelId, customerId, text }),
  oneTimeToken: () => call<{ token: string, links: { add: string, reconnect: string, remove: string } }>('POST', 'integrations/one-time-token')
}
