import t from 'tap'
import { createDfoClient } from '../../../core/cxone/dfo-client.js'
import { toContactPage } from '../../../core/cxone/dfo-contacts.js'
import { createTokenSource } from '../../../core/cxone/token-client.js'
import { CONTACTS_PAGE_SIZE } from '../../../core/sandbox/contact-search.js'
import { CHANNEL, KEY, newMessage, startSandboxApp } from '../../sandbox/helper.js'

t.test('searchContacts and getContact against the sandbox: filters, every page once, the Contact shape', async t => {
  const sb = await startSandboxApp(t)
  const tokens = createTokenSource({ authUrl: `${sb.url}/auth/token`, accessKeyId: KEY.id, accessKeySecret: KEY.secret, timeoutMs: 5000, dispatcher: sb.dispatcher })
  const calls: string[] = []
  const dfo = createDfoClient({ apiBaseUrl: sb.url, tokens, timeoutMs: 5000, retryBaseMs: 10, retryMaxMs: 100, onCall: (op) => calls.push(op), dispatcher: sb.dispatcher })
  t.teardown(() => dfo.close())

  const n = CONTACTS_PAGE_SIZE + 5
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const res = await sb.dfo('POST', `/channels/${CHANNEL.id}/messages`, newMessage({ thread: { idOnExternalPlatform: `conv-${i}` }, authorEndUserIdentity: { idOnExternalPlatform: `cust-${i}` } }))
    ids.push(String(res.json().consumerContact.id))
  }
  for (const id of ids.slice(0, n - 1)) await sb.dfo('PUT', `/contacts/${id}/status`, { status: 'closed' })

  const query = { channelIds: [CHANNEL.id], statuses: ['closed', 'resolved'] as const, sorting: 'statusUpdatedAt', sortingType: 'desc' } as const
  const first = await dfo.searchContacts(query)
  t.equal(first.hits, n - 1)
  t.equal(first.contacts.length, CONTACTS_PAGE_SIZE)
  t.type(first.scrollToken, 'string')
  const second = await dfo.searchContacts({ ...query, scrollToken: first.scrollToken! })
  t.equal(second.scrollToken, undefined, 'the last page has no token')
  t.same([...first.contacts, ...second.contacts].map(c => c.id).sort(), ids.slice(0, n - 1).sort())
  t.ok([...first.contacts, ...second.contacts].every(c => c.status === 'closed'))
  t.same(calls, ['searchContacts', 'searchContacts'])

  const mine = await dfo.searchContacts({ channelIds: [CHANNEL.id], endUserIds: ['cust-3'] })
  t.same(mine.contacts.map(c => c.id), [ids[3]])

  const one = await dfo.getContact(ids[n - 1]!)
  t.match(one, { id: ids[n - 1], status: 'new', threadIdOnExternalPlatform: `conv-${n - 1}`, channelId: CHANNEL.id })
  await t.rejects(dfo.getContact('404404'), { code: 'BYOC_ERR_CXONE_REJECTED' })
})

t.test('a page is read liberally: numeric contact numbers, a token only in _links.next, entries without an id dropped', async t => {
  const page = toContactPage({ hits: 2, data: [{ id: 17, status: 'closed' }, { status: 'closed' }], _links: { next: '/dfo/3.0/contacts?scrollToken=abc%3D' } })
  t.same(page, { contacts: [{ id: '17', status: 'closed' }], hits: 2, scrollToken: 'abc=' })
  t.same(toContactPage('nonsense'), { contacts: [] })
})
