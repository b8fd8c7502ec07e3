import t from 'tap'
import { createDfoClient } from '../../../core/cxone/dfo-client.js'
import { createTokenSource } from '../../../core/cxone/token-client.js'
import { startFakeCxone } from './fake-cxone.js'

t.test('every operation hits its §3.3 path with its body, path segments encoded', async t => {
  const fake = await startFakeCxone(t)
  const tokens = createTokenSource({ authUrl: fake.authUrl, accessKeyId: 'k', accessKeySecret: 's', timeoutMs: 5000 })
  const dfo = createDfoClient({ apiBaseUrl: fake.url, tokens, timeoutMs: 5000, retryBaseMs: 10, retryMaxMs: 100 })
  t.teardown(() => dfo.close())

  fake.script('GET', '/threads', { body: { totalRecords: 2, data: [{ id: '1', idOnExternalPlatform: 'a b' }, { id: '2', idOnExternalPlatform: 'c' }] } })
  fake.script('GET', '/channels', { body: [{ id: 'ch-1', name: 'one' }] })
  fake.script('POST', '/channels', { body: { id: 'ch-2', integrationBoxIdentifier: 'box' } })
  fake.script('POST', '/attachments/temporary', { body: { id: 5, url: 'https://files/x', expireAt: '2030-01-01T00:00:00Z' } })

  await dfo.senderAction('chat/1', 'thread 1', 'isTypingOn')
  await dfo.updateMessageStatus('chat/1', 'm?1', 'seen', '2026-01-01T00:00:00.000Z')
  await dfo.updateThread('chat/1', 'thread 1', { canAddMoreMessages: false })
  await dfo.updateContactStatus('12', 'resolved')
  const threads = await dfo.searchThreads({ channelId: 'chat/1', threadIds: ['a b', 'c'] })
  const channels = await dfo.listChannels()
  const newChannel = { id: 'ch-2', idOnExternalPlatform: 'ch-2', channelIntegrationId: 'int', realExternalPlatformId: 'custom', name: 'Two', isPrivate: false, hasTreeStructure: false }
  const created = await dfo.createChannel(newChannel)
  await dfo.deleteChannel('ch/2')
  const upload = await dfo.uploadTemporaryAttachment('aGk=', 'text/plain')
  await dfo.putCustomFieldDefinition({ ident: 'email', label: 'E-mail', type: 'email' })

  t.same(fake.dfo.map(s => `${s.method} ${s.path}`), [
    'POST /channels/chat%2F1/threads/thread%201/sender-actions',
    'PUT /channels/chat%2F1/messages/m%3F1/status',
    'PUT /channels/chat%2F1/threads/thread%201',
    'PUT /contacts/12/status',
    'GET /threads',
    'GET /channels',
    'POST /channels',
    'DELETE /channels/ch%2F2',
    'POST /attachments/temporary',
    'PUT /customers/custom-field-definitions'
  ])
  t.same(fake.dfo.map(s => s.body), [
    { action: 'isTypingOn' },
    { status: 'seen', updatedAt: '2026-01-01T00:00:00.000Z' },
    { canAddMoreMessages: false },
    { status: 'resolved' },
    undefined,
    undefined,
    newChannel,
    undefined,
    { content: 'aGk=', mimeType: 'text/plain' },
    { ident: 'email', label: 'E-mail', type: 'email' }
  ])
  t.same(fake.dfo[4]!.query, { channelId: 'chat/1', query: 'a b c' })
  t.same(threads.map(th => th.idOnExternalPlatform), ['a b', 'c'])
  t.same(channels, [{ id: 'ch-1', name: 'one' }])
  t.same(created, { ...newChannel, integrationBoxIdentifier: 'box' })
  t.same(upload, { id: '5', url: 'https://files/x', expireAt: '2030-01-01T00:00:00Z' })
  t.ok(fake.dfo.every(s => s.headers.authorization === 'Bearer tok-1'))
  t.equal(fake.tokenRequests.length, 1)
})

t.test('a per-admin access token and API host override the token source and base', async t => {
  const hub = await startFakeCxone(t)
  const admin = await startFakeCxone(t)
  const tokens = createTokenSource({ authUrl: hub.authUrl, accessKeyId: 'k', accessKeySecret: 's', timeoutMs: 5000 })
  const dfo = createDfoClient({ apiBaseUrl: hub.url, tokens, timeoutMs: 5000, retryBaseMs: 10, retryMaxMs: 100 })
  t.teardown(() => dfo.close())
  admin.script('POST', '/one-time-token/verification', { body: { brand: { id: 1 }, user: { id: 2 }, accessToken: 'admin-jwt' } })
  admin.script('GET', '/channels', { body: { data: [{ id: 'x' }] } })

  const otp = { brandId: 1, userId: 2, token: 'otp', purpose: 'channel-integration' } as const
  const verified = await dfo.verifyOneTimeToken(otp, { apiBaseUrl: admin.url })
  t.same(verified, { brand: { id: 1 }, user: { id: 2 }, accessToken: 'admin-jwt' })
  const listed = await dfo.listChannels({ accessToken: verified.accessToken, apiBaseUrl: admin.url })
  t.same(listed, [{ id: 'x' }])

  t.equal(admin.dfo[0]!.headers.authorization, undefined, 'verification carries no bearer')
  t.same(admin.dfo[0]!.body, otp)
  t.equal(admin.dfo[1]!.headers.authorization, 'Bearer admin-jwt')
  t.equal(hub.dfo.length + hub.tokenRequests.length, 0, 'the hub token source was never used')

  admin.revoked.add('admin-jwt')
  await t.rejects(dfo.deleteChannel('x', { accessToken: 'admin-jwt', apiBaseUrl: admin.url }), { code: 'BYOC_ERR_CXONE_UNAUTHORIZED' })
  t.equal(hub.tokenRequests.length, 0, 'a rejected per-admin token is not replaced by the hub token')
})

t.test('a 2xx without the fields the caller needs is BYOC_ERR_CXONE_UNAVAILABLE', async t => {
  const fake = await startFakeCxone(t)
  const tokens = createTokenSource({ authUrl: fake.authUrl, accessKeyId: 'k', accessKeySecret: 's', timeoutMs: 5000 })
  const dfo = createDfoClient({ apiBaseUrl: fake.url, tokens, timeoutMs: 5000, retryBaseMs: 10, retryMaxMs: 100 })
  t.teardown(() => dfo.close())
  fake.script('POST', '/one-time-token/verification', { body: { brand: {} } })
  fake.script('POST', '/attachments/temporary', { body: 'not json' })
  await t.rejects(dfo.verifyOneTimeToken({ brandId: 1, userId: 2, token: 'x', purpose: 'channel-integration' }), { code: 'BYOC_ERR_CXONE_UNAVAILABLE' })
  await t.rejects(dfo.uploadTemporaryAttachment('aGk=', 'text/plain'), { code: 'BYOC_ERR_CXONE_UNAVAILABLE' })
  t.same(await dfo.searchThreads({}), [], 'an unexpected list shape reads as empty')
})
