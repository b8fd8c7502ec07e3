import { Type, type Static } from '@byoc-hub/plugin-api'
import { DEFAULT_ALLOWED_MIME_TYPES } from './file-type.js'
import { LOCALES } from './i18n/index.js'
import { DEFAULT_PRIMARY_COLOR } from './theme.js'

export const WateringHoleConfigSchema = Type.Object({
  identitySecret: Type.String({
    minLength: 32,
    'x-secret': true,
    description: 'HMAC key that signs customer ids; changing it logs every animal out (new identity on next visit)'
  }),
  allowedMimeTypes: Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9!#$&^_.+-]*/([a-z0-9][a-z0-9!#$&^_.+-]*|\\*)$' }), {
    default: DEFAULT_ALLOWED_MIME_TYPES,
    description: 'types a customer may attach (type/* for a family); checked against the file\'s first bytes where known'
  }),
  identityTtl: Type.String({
    pattern: '^\\d+(s|m|h|d)$',
    default: '30d',
    description: 'how long a customer token lives without use; each connection renews it (e.g. 30d, 12h)'
  }),
  maxAttachmentBytes: Type.Integer({ minimum: 1, maximum: 40 * 1024 * 1024, default: 5 * 1024 * 1024, description: 'largest file a customer may attach' }),
  allowedOrigins: Type.Array(Type.String({ minLength: 1 }), {
    default: ['*'],
    description: 'origins of pages allowed to embed the widget (frame-ancestors) and open its socket; "*" allows any'
  }),
  title: Type.String({ minLength: 1, maxLength: 80, default: 'The Jungle, Inc.', description: 'shown in the widget header' }),
  locale: Type.Optional(Type.Union(LOCALES.map(l => Type.Literal(l)), {
    description: 'the widget\'s language for every visitor; unset, the embedding page\'s lang, else the browser\'s languages, else English'
  })),
  theme: Type.Object({
    primaryColor: Type.String({
      pattern: '^#[0-9a-fA-F]{6}$',
      default: DEFAULT_PRIMARY_COLOR,
      description: 'the brand colour (#rrggbb) of the header, buttons and own messages; white text is drawn on it, so it must reach 4.5:1 contrast against white (WCAG AA)'
    }),
    logoUrl: Type.Optional(Type.String({ pattern: '^(https://|/)', maxLength: 2000, description: 'logo in the header (https:// or a path on the hub); unset, a palm tree' }))
  }, { additionalProperties: false, default: { primaryColor: DEFAULT_PRIMARY_COLOR } })
}, { additionalProperties: false })

export type WateringHoleConfig = Static<typeof WateringHoleConfigSchema>
