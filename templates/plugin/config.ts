import { Type, type Static } from '@byoc-hub/plugin-api'

/** The channel's block in byoc-hub.yaml (channels[].config); unknown keys are refused so typos show. */
export const ConfigSchema = Type.Object({
  platformUrl: Type.String({ pattern: '^https?://', description: 'where agent messages and signals are POSTed' }),
  signingSecret: Type.String({
    pattern: '^whsec_[A-Za-z0-9+/]{32,}={0,2}$',
    description: 'Standard Webhooks secret shared with the platform (whsec_ and 24+ bytes in base64): signs requests both ways',
    'x-secret': true
  }),
  toleranceSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 300, description: 'accepted webhook-timestamp skew' }),
  timeoutMs: Type.Integer({ minimum: 100, maximum: 60000, default: 10000 })
}, { additionalProperties: false })

export type Config = Static<typeof ConfigSchema>
