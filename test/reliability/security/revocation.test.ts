import t from 'tap'
import { CLIENT, cxoneToken, http } from '../../helper.js'
import { freePort, spawnHub, writeHubConfig } from '../../process/spawn-hub.js'
import { liveHubConfig, passedAuth, probeBody, probePath } from '../harness/hub-config.js'
import { testDir } from '../../test-dir.js'

const GONE = { clientId: 'cxone-gone', clientSecret: 'gone-client-secret-0123456789abcdef-01' }
const ROTATED = { clientId: 'cxone-rotated', clientSecret: 'rotated-client-secret-old-0123456789abc' }

t.test('removing a client, or rotating its secret, revokes its tokens at once (restart, same store and keys)', async t => {
  const dir = testDir(t, {})
  const port = await freePort()
  const box = { box: `http://127.0.0.1:${port}/integration/box` }
  const probe = (token: string) => http('POST', `http://127.0.0.1:${port}${probePath}`, probeBody, { authorization: `Bearer ${token}` })

  let hub = await spawnHub(writeHubConfig(dir, 'hub', liveHubConfig(port, dir, { auth: { clients: [CLIENT, GONE, ROTATED] } })), port)
  t.teardown(() => hub.kill())
  const tokens = { kept: await cxoneToken(box, CLIENT), gone: await cxoneToken(box, GONE), rotated: await cxoneToken(box, ROTATED) }
  for (const [who, token] of Object.entries(tokens)) t.ok(passedAuth(await probe(token)), `${who}: accepted while configured`)

  await hub.kill()
  const rotated = { ...ROTATED, clientSecret: 'rotated-client-secret-new-0123456789abc' }
  hub = await spawnHub(writeHubConfig(dir, 'hub', liveHubConfig(port, dir, { auth: { clients: [CLIENT, rotated] } })), port)
  const gone = await probe(tokens.gone)
  t.equal(gone.status, 401, 'the removed client\'s unexpired token is refused')
  t.equal(gone.body.error.code, 'BYOC_ERR_UNAUTHORIZED')
  t.match(String(gone.headers['www-authenticate']), /invalid_token/, 'CXone is told to fetch a new token (which it cannot)')
  t.equal((await probe(tokens.rotated)).status, 401, 'a token from before the secret rotation is refused')
  t.ok(passedAuth(await probe(tokens.kept)), 'control: the kept client\'s token still works (same signing keys)')
  t.ok(passedAuth(await probe(await cxoneToken(box, rotated))), 'the rotated client gets a working token with its new secret')
  t.equal((await http('POST', `${box.box}/1.0/token`, { grant_type: 'client_credentials', client_id: GONE.clientId, client_secret: GONE.clientSecret })).status, 401, 'and the removed one gets none')
})
