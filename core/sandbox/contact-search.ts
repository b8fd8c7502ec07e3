import { CONTACT_STATUSES, type ContactStatus, type SbContact } from './model.js'

/**
 * How the emulated contacts search (C19) filters, orders and pages. CXone documents the filters
 * (`channel[]`, `status[]`, `endUserIdOnExternalPlatform[]`) and `scrollToken`; `sorting`/`sortingType` are the names
 * NICE's own agent code sends (`sorting=createdAt&sortingType=desc`). The page size is not documented: 25 here.
 */
export const CONTACTS_PAGE_SIZE = 25
const SORT_FIELDS = ['createdAt', 'statusUpdatedAt'] as const
type SortField = typeof SORT_FIELDS[number]

export interface ContactSearch {
  channels: string[]
  statuses: ContactStatus[]
  endUsers: string[]
  sorting: SortField
  sortingType: 'asc' | 'desc'
  /** keyset position: the last contact of the previous page */
  after?: { key: number, id: string }
}

type Query = Record<string, string | string[] | undefined>
type Parsed = { ok: true, value: ContactSearch } | { ok: false, field: string, message: string }

/** `name[]=a&name[]=b`, also accepted without the brackets (clients differ). */
const list = (q: Query, name: string): string[] => {
  const v = q[`${name}[]`] ?? q[name]
  return v === undefined ? [] : Array.isArray(v) ? v : [v]
}
const one = (q: Query, name: string): string | undefined => {
  const v = q[name]
  return Array.isArray(v) ? v[0] : v
}

export function parseContactSearch (q: Query): Parsed {
  // a scroll token carries the whole search, like a search engine's scroll: the filters need not be repeated
  const token = one(q, 'scrollToken')
  if (token !== undefined) {
    try {
      return { ok: true, value: JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContactSearch }
    } catch {
      return { ok: false, field: 'scrollToken', message: 'scrollToken is not valid' }
    }
  }
  const statuses = list(q, 'status')
  const wrong = statuses.find(s => !CONTACT_STATUSES.includes(s as ContactStatus))
  if (wrong !== undefined) return { ok: false, field: 'status', message: `status ${wrong} is not one of ${CONTACT_STATUSES.join(', ')}` }
  const sorting = one(q, 'sorting') ?? 'createdAt'
  if (!SORT_FIELDS.includes(sorting as SortField)) return { ok: false, field: 'sorting', message: `sorting must be one of ${SORT_FIELDS.join(', ')}` }
  const sortingType = one(q, 'sortingType') ?? 'desc'
  if (sortingType !== 'asc' && sortingType !== 'desc') return { ok: false, field: 'sortingType', message: 'sortingType must be asc or desc' }
  return {
    ok: true,
    value: { channels: list(q, 'channel'), statuses: statuses as ContactStatus[], endUsers: list(q, 'endUserIdOnExternalPlatform'), sorting: sorting as SortField, sortingType }
  }
}

/** One page of the matching contacts, ordered by (sort field, id), and the token for the next page if any. */
export function contactPage (all: SbContact[], s: ContactSearch): { hits: number, data: SbContact[], scrollToken?: string } {
  const dir = s.sortingType === 'asc' ? 1 : -1
  const keyOf = (c: SbContact): number => c[s.sorting]
  const compare = (a: { key: number, id: string }, b: { key: number, id: string }): number =>
    dir * (a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const matching = all
    .filter(c => (s.channels.length === 0 || s.channels.includes(c.channelId)) &&
      (s.statuses.length === 0 || s.statuses.includes(c.status)) &&
      (s.endUsers.length === 0 || s.endUsers.includes(c.customerId)))
    .map(c => ({ c, key: keyOf(c), id: c.id }))
    .sort(compare)
  const rest = s.after ? matching.filter(m => compare(m, s.after!) > 0) : matching
  const page = rest.slice(0, CONTACTS_PAGE_SIZE)
  const last = page.at(-1)
  const more = rest.length > page.length && last !== undefined
  return {
    hits: matching.length,
    data: page.map(m => m.c),
    ...(more ? { scrollToken: Buffer.from(JSON.stringify({ ...s, after: { key: last.key, id: last.id } })).toString('base64url') } : {})
  }
}
