import t from 'tap'
import { Value } from 'typebox/value'
import plugin from '../../../plugins/watering-hole/index.js'
import { WateringHoleConfigSchema } from '../../../plugins/watering-hole/config.js'
import { isChannelPlugin } from '../../../core/plugin-api/index.js'

const secret = 'x'.repeat(32)

t.test('the plugin is a branded channel plugin with the declared capabilities', async t => {
  t.ok(isChannelPlugin(plugin))
  t.equal(plugin.name, 'watering-hole')
  t.equal(plugin.apiVersion, 1)
  t.same(plugin.capabilities, { attachments: true, typingIndicators: true, readReceipts: true, messageStatus: true, richMessages: [] })
})

t.test('defaults fill everything but the secret', async t => {
  const cfg = Value.Default(WateringHoleConfigSchema, { identitySecret: secret })
  t.same(cfg, { identitySecret: secret, allowedMimeTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'], identityTtl: '30d', maxAttachmentBytes: 5 * 1024 * 1024, allowedOrigins: ['*'], title: 'The Jungle, Inc.' })
  t.ok(Value.Check(WateringHoleConfigSchema, cfg))
})

t.test('rejects a missing or short secret, unknown keys and bad values', async t => {
  const check = (v: Record<string, unknown>) => Value.Check(WateringHoleConfigSchema, Value.Default(WateringHoleConfigSchema, v))
  t.notOk(check({}), 'secret is required')
  t.notOk(check({ identitySecret: 'short' }), 'secret of at least 32 characters')
  t.notOk(check({ identitySecret: secret, colour: 'green' }), 'additionalProperties: false')
  t.notOk(check({ identitySecret: secret, maxAttachmentBytes: 0 }))
  t.notOk(check({ identitySecret: secret, allowedOrigins: 'https://a' }))
  t.ok(check({ identitySecret: secret, maxAttachmentBytes: 1024, allowedOrigins: ['https://savanna.example'], title: 'Jungle' }))
})
