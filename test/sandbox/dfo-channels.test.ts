import t from 'tap'
import { CHANNEL, startSandboxApp } from './helper.js'

const channel = (over: Record<string, unknown> = {}) => ({
  id: 'byoc_new', idOnExternalPlatform: 'byoc_new', channelIntegrationId: 'integration-1', realExternalPlatformId: 'custom',
  name: 'New channel', isPrivate: false, hasTreeStructure: false, ...over
})

t.test('seeded channels are listed', async t => {
  const sb = await startSandboxApp(t)
  const list = (await sb.dfo('GET', '/channels')).json()
  t.same(list.map((c: any) => [c.id, c.name, c.realExternalPlatformId]), [[CHANNEL.id, CHANNEL.name, 'custom']])
})

t.test('creates, updates, lists and deletes channels', async t => {
  const sb = await startSandboxApp(t)
  const created = await sb.dfo('POST', '/channels', channel({ hasOutboundFlow: false, custom: 'kept' }))
  t.equal(created.statusCode, 201)
  t.equal(created.json().custom, 'kept')
  t.equal(created.json().hasOutboundFlow, false)
  const updated = await sb.dfo('POST', '/channels', channel({ name: 'Renamed' }))
  t.equal(updated.statusCode, 200)
  t.equal(updated.json().name, 'Renamed')
  t.equal(updated.json().custom, 'kept', 'an update keeps fields it does not mention')
  const list = (await sb.dfo('GET', '/channels')).json()
  t.same(list.map((c: any) => c.id), [CHANNEL.id, 'byoc_new'])
  t.same((await sb.dfo('GET', '/channels?id[]=byoc_new')).json().map((c: any) => c.id), ['byoc_new'])
  t.equal((await sb.dfo('DELETE', '/channels/byoc_new')).statusCode, 204)
  const gone = await sb.dfo('DELETE', '/channels/byoc_new')
  t.equal(gone.statusCode, 404)
  t.equal(gone.json().errors[0].parameters.errorCode, 'channelNotFound')
  t.same((await sb.dfo('GET', '/channels')).json().map((c: any) => c.id), [CHANNEL.id])
})

t.test('create requires every NewChannel field', async t => {
  const sb = await startSandboxApp(t)
  const res = await sb.dfo('POST', '/channels', { id: 'x', name: 'X', isPrivate: 'no' })
  t.equal(res.statusCode, 400)
  const fields = res.json().errors.map((e: any) => e.field).sort()
  t.same(fields, ['channelIntegrationId', 'hasTreeStructure', 'idOnExternalPlatform', 'isPrivate', 'realExternalPlatformId'])
})
