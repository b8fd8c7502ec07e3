import t from 'tap'
import { Value } from 'typebox/value'
import plugin from '../../../plugins/watering-hole/index.js'
import { WateringHoleConfigSchema } from '../../../plugins/watering-hole/config.js'
import { isChannelPlugin } from '../../../core/plugin-api/index.js'
import { ChannelConfigInvalidError, validateChannelConfig } from '../../../core/channels/loader.js'
import { contrastRatio } from '../../../plugins/watering-hole/theme.js'

const secret = 'x'.repeat(32)

t.test('the plugin is a branded channel plugin with the declared capabilities', async t => {
  t.ok(isChannelPlugin(plugin))
  t.equal(plugin.name, 'watering-hole')
  t.equal(plugin.apiVersion, 1)
  t.same(plugin.capabilities, { attachments: true, typingIndicators: true, readReceipts: true, messageStatus: true, richMessages: [] })
})

t.test('defaults fill everything but the secret', async t => {
  const cfg = Value.Default(WateringHoleConfigSchema, { identitySecret: secret })
  t.same(cfg, { identitySecret: secret, allowedMimeTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'], identityTtl: '30d', maxAttachmentBytes: 5 * 1024 * 1024, allowedOrigins: ['*'], title: 'The Jungle, Inc.', theme: { primaryColor: '#2f6b3a' } })
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

t.test('locale: one of the shipped languages, or unset', async t => {
  const check = (v: Record<string, unknown>) => Value.Check(WateringHoleConfigSchema, Value.Default(WateringHoleConfigSchema, { identitySecret: secret, ...v }))
  for (const locale of ['en', 'fr', 'ar']) t.ok(check({ locale }), locale)
  t.notOk(check({ locale: 'xx' }), 'a language the widget does not ship is refused')
})

t.test('theme: the hub refuses a primary colour white text cannot be read on (WCAG AA 4.5:1), and says why', async t => {
  t.equal(contrastRatio('#ffffff', '#000000').toFixed(1), '21.0', 'the WCAG formula: white on black')
  t.equal(contrastRatio('#777777', '#ffffff').toFixed(2), '4.48', 'the classic just-below-AA grey')
  const load = (theme: Record<string, unknown>) => validateChannelConfig(plugin, { identitySecret: secret, theme }, 0)
  t.match(load({ primaryColor: '#1d4ed8', logoUrl: 'https://brand.example/logo.svg' }), { theme: { primaryColor: '#1d4ed8', logoUrl: 'https://brand.example/logo.svg' } }, 'a dark blue passes')
  t.doesNotThrow(() => load({ primaryColor: '#767676' }), '#767676 is 4.54:1: allowed')
  const err = t.throws(() => load({ primaryColor: '#e9a23b' })) as ChannelConfigInvalidError
  t.type(err, ChannelConfigInvalidError)
  t.equal(err.code, 'BYOC_ERR_CHANNEL_CONFIG_INVALID')
  t.same(err.problems, ['/channels/0/config/theme/primaryColor: #e9a23b has a contrast of 2.17:1 against the white text drawn on it; WCAG 2.1 AA needs at least 4.5:1 (choose a darker colour)'])
  t.throws(() => load({ primaryColor: 'green' }), { code: 'BYOC_ERR_CHANNEL_CONFIG_INVALID' }, 'only #rrggbb')
  t.throws(() => load({ primaryColor: '#2f6b3a', logoUrl: 'javascript:alert(1)' }), { code: 'BYOC_ERR_CHANNEL_CONFIG_INVALID' }, 'a logo is https:// or a path on the hub')
})
