import t from 'tap'
import { startHub, http } from '../helper.js'

const recorder = { channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', name: 'Recorder Channel', config: {} }] }

async function sandboxToken (hub: { sandboxUrl: string, config: { sandbox: { accessKeyId: string, accessKeySecret: string } } }): Promise<string> {
  const res = await http('POST', `${hub.sandboxUrl}/auth/token`, `grant_type=password&username=${hub.config.sandbox.accessKeyId}&password=${hub.config.sandbox.accessKeySecret}`, { 'content-type': 'application/x-www-form-urlencoded' })
  return res.body.access_token
}
const channelIds = async (hub: Parameters<typeof sandboxToken>[0]) =>
  ((await http('GET', `${hub.sandboxUrl}/dfo/3.0/channels`, undefined, { authorization: `Bearer ${await sandboxToken(hub)}` })).body as Array<{ id: string }>).map(c => c.id)
const links = async (hub: { sandboxUrl: string }) => (await http('POST', `${hub.sandboxUrl}/console/api/integrations/one-time-token`, {})).body.links as { add: string, reconnect: string, remove: string }

t.test('Add and Remove action URLs: one-time token verified with DFO, a channel picked, DFO channel created/deleted, back to backUrl', async t => {
  const hub = await startHub(t, recorder, { listen: false })
  await http('DELETE', `${hub.sandboxUrl}/dfo/3.0/channels/chat_recorder`, undefined, { authorization: `Bearer ${await sandboxToken(hub)}` })
  t.notOk((await channelIds(hub)).includes('chat_recorder'), 'starts without the DFO channel')

  const page = await http('GET', (await links(hub)).add)
  t.equal(page.status, 200)
  t.match(page.body, 'Recorder Channel')
  const session = /name="session" value="([^"]+)"/.exec(page.body)![1]!
  t.notMatch(page.body, /accessToken|Bearer/, 'the CXone token stays server-side')
  const done = await http('POST', `${hub.box}/actions/add`, `session=${session}&channel=recorder`, { 'content-type': 'application/x-www-form-urlencoded' })
  t.equal(done.status, 303)
  t.match(String(done.headers.location), /\/sandbox\/console\/$/)
  t.ok((await channelIds(hub)).includes('chat_recorder'), 'DFO channel created')

  const replay = await http('POST', `${hub.box}/actions/add`, `session=${session}&channel=recorder`, { 'content-type': 'application/x-www-form-urlencoded' })
  t.equal(replay.status, 403, 'a session works once')
  t.equal(replay.body.error.code, 'BYOC_ERR_ACTION_TOKEN_INVALID')

  const removePage = await http('GET', (await links(hub)).remove)
  const removeSession = /name="session" value="([^"]+)"/.exec(removePage.body)![1]!
  const removed = await http('POST', `${hub.box}/actions/remove`, `session=${removeSession}&channel=recorder`, { 'content-type': 'application/x-www-form-urlencoded' })
  t.equal(removed.status, 303)
  t.notOk((await channelIds(hub)).includes('chat_recorder'), 'DFO channel deleted')
})

t.test('a bad one-time token goes back to a CXone backUrl, or 403 without one (or with a foreign one)', async t => {
  const hub = await startHub(t, recorder, { listen: false })
  const withBack = await http('GET', `${hub.box}/actions/add?userId=1&brandId=1001&token=forged&backUrl=${encodeURIComponent(`${hub.sandboxUrl}/console/`)}`)
  t.equal(withBack.status, 302)
  t.equal(withBack.headers.location, `${hub.sandboxUrl}/console/`)
  const foreign = await http('GET', `${hub.box}/actions/add?userId=1&brandId=1001&token=forged&backUrl=${encodeURIComponent('https://cxone.example/back')}`)
  t.equal(foreign.status, 403, 'a backUrl off the CXone hosts is not followed')
  t.equal(foreign.body.error.code, 'BYOC_ERR_ACTION_TOKEN_INVALID')
  const without = await http('GET', `${hub.box}/actions/add?userId=1&brandId=1001&token=forged`)
  t.equal(without.status, 403)
  t.equal(without.body.error.code, 'BYOC_ERR_ACTION_TOKEN_INVALID')
  const badQuery = await http('GET', `${hub.box}/actions/add?userId=abc&brandId=1001&token=x`)
  t.equal(badQuery.status, 400)
})
