import type { ContactPage, ContactSearchQuery, DfoContact } from './dfo-types.js'

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * C19's query string. Brackets are sent literally (`status[]=closed`), as NICE's own clients send them; the filters
 * go with every page, the scroll token too, so a CXone that wants either is served.
 */
export function contactSearchQuery (q: ContactSearchQuery): string {
  const params: string[] = []
  const add = (name: string, value: string): void => { params.push(`${name}=${encodeURIComponent(value)}`) }
  for (const id of q.channelIds ?? []) add('channel[]', id)
  for (const s of q.statuses ?? []) add('status[]', s)
  for (const id of q.endUserIds ?? []) add('endUserIdOnExternalPlatform[]', id)
  if (q.sorting !== undefined) add('sorting', q.sorting)
  if (q.sortingType !== undefined) add('sortingType', q.sortingType)
  if (q.scrollToken !== undefined) add('scrollToken', q.scrollToken)
  return params.join('&')
}

/** A contact as the hub reads it: contact numbers may come as numbers; anything without an id is dropped. */
export function toContact (v: unknown): DfoContact | undefined {
  if (!isObject(v) || (typeof v.id !== 'string' && typeof v.id !== 'number')) return undefined
  return { ...v, id: String(v.id) } as DfoContact
}

/** `{ hits, data, scrollToken }`; a token may also come only as `_links.next` (as C11 pages), so that is read too. */
export function toContactPage (r: unknown): ContactPage {
  const body = isObject(r) ? r : {}
  const data = Array.isArray(body.data) ? body.data : Array.isArray(r) ? r : []
  const contacts = data.map(toContact).filter((c): c is DfoContact => c !== undefined)
  const next = isObject(body._links) && typeof body._links.next === 'string' ? new URL(body._links.next, 'http://x').searchParams.get('scrollToken') : null
  const scrollToken = typeof body.scrollToken === 'string' && body.scrollToken !== '' ? body.scrollToken : next ?? undefined
  return { contacts, ...(typeof body.hits === 'number' ? { hits: body.hits } : {}), ...(scrollToken !== undefined ? { scrollToken } : {}) }
}
