import t from 'tap'
import { definePluginErrors } from '../../core/plugin-api/index.js'
import { startHub, http } from '../helper.js'

t.test('definePluginErrors gives each plugin its BYOC_<PREFIX>_ERR_<NAME> codes as @fastify/error classes', async t => {
  const Errors = definePluginErrors('ACME_CHAT', {
    TOKEN_INVALID: { statusCode: 401, message: 'Token refused: %s' },
    TOO_BIG: { statusCode: 413, message: 'At most %d bytes' }
  })
  t.equal(Errors.TOKEN_INVALID.code, 'BYOC_ACME_CHAT_ERR_TOKEN_INVALID', 'the code, without a throw (websocket frames)')
  t.equal(Errors.TOKEN_INVALID.statusCode, 401)
  const cause = new Error('expired')
  const err = new Errors.TOKEN_INVALID('signature', { cause })
  t.ok(err instanceof Error)
  t.ok(err instanceof Errors.TOKEN_INVALID, 'instanceof works per code')
  t.notOk(err instanceof Errors.TOO_BIG, 'and tells codes apart')
  t.match(err, { code: 'BYOC_ACME_CHAT_ERR_TOKEN_INVALID', statusCode: 401, message: 'Token refused: signature', cause })
  t.equal(new Errors.TOO_BIG(1024).message, 'At most 1024 bytes', 'messages are util.format templates')
  t.ok(Object.isFrozen(Errors))
})

t.test('definePluginErrors refuses a prefix, name or status outside the convention', async t => {
  t.throws(() => definePluginErrors('acme-chat', { X: { statusCode: 400, message: 'x' } }), { name: 'TypeError', message: /prefix 'acme-chat'/ })
  t.throws(() => definePluginErrors('ACME', { tokenInvalid: { statusCode: 400, message: 'x' } }), { name: 'TypeError', message: /name 'tokenInvalid'/ })
  t.throws(() => definePluginErrors('ACME', { OK: { statusCode: 200, message: 'x' } }), { name: 'TypeError', message: /400-599/ })
})

t.test('the hub answers a plugin error with its code and status', async t => {
  const hub = await startHub(t)
  // the shipped widget's static routes throw one for an unknown avatar
  const avatar = await http('GET', `${hub.url}/channels/watering-hole/avatars/nobody.svg`)
  t.equal(avatar.status, 404)
  t.same(avatar.body, { error: { code: 'BYOC_WATERING_HOLE_ERR_NOT_FOUND', message: 'No such avatar.' } })
})
