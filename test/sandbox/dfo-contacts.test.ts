import t from 'tap'
import { CONTACTS_PAGE_SIZE } from '../../core/sandbox/contact-search.js'
import { CHANNEL, CONSOLE_AUTH, newMessage, startSandboxApp } from './helper.js'

type Sandbox = Awaited<ReturnType<typeof startSandboxApp>>

/** n customers, each with one thread and one case on the channel; returns the case ids in creation order */
async function cases (sb: Sandbox, n: number, channelId = CHANNEL.id): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const res = await sb.dfo('POST', `/channels/${channelId}/messages`, newMessage({
      thread: { idOnExternalPlatform: `conv-${channelId}-${i}` },
      authorEndUserIdentity: { idOnExternalPlatform: `cust-${i}`, firstName: 'Ann', lastName: `No${i}` }
    }))
    ids.push(res.json().consumerContact.id)
  }
  return ids
}

/** every page of a search, following scrollToken */
async function all (sb: Sandbox, query: string): Promise<{ pages: number, data: any[] }> { // intentional any: DFO JSON
  const data: any[] = []
  let pages = 0
  let next: string | undefined = query
  while (next !== undefined) {
    const res = await sb.dfo('GET', `/contacts?${next}`)
    if (res.statusCode !== 200) throw new Error(`search answered ${res.statusCode}: ${res.body}`)
    pages++
    data.push(...res.json().data)
    const token: string | undefined = res.json().scrollToken
    next = token === undefined ? undefined : `scrollToken=${encodeURIComponent(token)}`
  }
  return { pages, data }
}

t.test('get-contact (C20) returns the Contact shape; unknown numbers are 404', async t => {
  const sb = await startSandboxApp(t)
  const [id] = await cases(sb, 1)
  const res = await sb.dfo('GET', `/contacts/${id}`)
  t.equal(res.statusCode, 200)
  t.match(res.json(), {
    id, status: 'new', channelId: CHANNEL.id, threadIdOnExternalPlatform: `conv-${CHANNEL.id}-0`, threadId: String,
    statusUpdatedAt: /^\d{4}-\d\d-\d\dT.*Z$/, createdAt: String,
    authorEndUserIdentity: { idOnExternalPlatform: 'cust-0', firstName: 'Ann', lastName: 'No0' }
  })
  const missing = await sb.dfo('GET', '/contacts/999')
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().errors[0].parameters.errorCode, 'contactNotFound')
})

t.test('the contacts search (C19) filters by channel, status and customer', async t => {
  const sb = await startSandboxApp(t, { channels: [CHANNEL, { id: 'chan-2', name: 'Other' }] })
  const mine = await cases(sb, 3)
  const other = await cases(sb, 2, 'chan-2')
  await sb.dfo('PUT', `/contacts/${mine[0]}/status`, { status: 'closed' })
  await sb.dfo('PUT', `/contacts/${mine[2]}/status`, { status: 'resolved' })
  await sb.dfo('PUT', `/contacts/${other[0]}/status`, { status: 'closed' })

  const ids = async (q: string) => (await all(sb, q)).data.map(c => c.id).sort()
  t.same(await ids(`channel[]=${CHANNEL.id}`), [...mine].sort())
  t.same(await ids(`channel[]=${CHANNEL.id}&status[]=closed&status[]=resolved`), [mine[0], mine[2]].sort())
  t.same(await ids('status[]=closed'), [mine[0], other[0]].sort(), 'no channel filter: every channel')
  t.same(await ids(`channel[]=${CHANNEL.id}&channel[]=chan-2&status[]=closed`), [mine[0], other[0]].sort())
  t.same(await ids(`channel[]=${CHANNEL.id}&endUserIdOnExternalPlatform[]=cust-1`), [mine[1]])
  const bad = await sb.dfo('GET', '/contacts?status[]=gone')
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().errors[0].field, 'status')
  t.equal((await sb.dfo('GET', '/contacts?sorting=name')).statusCode, 400)
  t.equal((await sb.dfo('GET', '/contacts?scrollToken=%%%')).statusCode, 400)
})

t.test('the search pages by scrollToken, newest status change first when asked', async t => {
  const sb = await startSandboxApp(t)
  const n = CONTACTS_PAGE_SIZE * 2 + 3
  const ids = await cases(sb, n)
  for (const id of ids) await sb.dfo('PUT', `/contacts/${id}/status`, { status: 'closed' })
  const first = (await sb.dfo('GET', `/contacts?channel[]=${CHANNEL.id}&status[]=closed&sorting=statusUpdatedAt&sortingType=desc`)).json()
  t.equal(first.hits, n)
  t.equal(first.data.length, CONTACTS_PAGE_SIZE)
  t.type(first.scrollToken, 'string')

  const { pages, data } = await all(sb, `channel[]=${CHANNEL.id}&status[]=closed&sorting=statusUpdatedAt&sortingType=desc`)
  t.equal(pages, 3)
  t.same(data.map(c => c.id).sort(), [...ids].sort(), 'every case exactly once')
  const times = data.map(c => Date.parse(c.statusUpdatedAt))
  t.ok(times.every((x, i) => i === 0 || times[i - 1]! >= x), 'newest status change first')

  const asc = await all(sb, `channel[]=${CHANNEL.id}&sorting=createdAt&sortingType=asc`)
  const created = asc.data.map(c => Date.parse(c.createdAt))
  t.ok(created.every((x, i) => i === 0 || created[i - 1]! <= x), 'oldest first when asked')
})

t.test('the contacts routes need a bearer token and take faults like every DFO route', async t => {
  const sb = await startSandboxApp(t)
  const [id] = await cases(sb, 1)
  t.equal((await sb.app.inject({ method: 'GET', url: '/sandbox/dfo/3.0/contacts' })).statusCode, 401)
  t.equal((await sb.app.inject({ method: 'GET', url: `/sandbox/dfo/3.0/contacts/${id}` })).statusCode, 401)
  const now = Date.now()
  const set = await sb.app.inject({ method: 'PUT', url: '/sandbox/_faults', headers: CONSOLE_AUTH, payload: { downtime: [{ fromMs: now - 1000, toMs: now + 60_000 }] } })
  t.equal(set.statusCode, 200, 'faults set with the console credential')
  t.equal((await sb.dfo('GET', '/contacts')).statusCode, 503)
  t.equal((await sb.dfo('GET', `/contacts/${id}`)).statusCode, 503)
})
