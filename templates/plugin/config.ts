import { Type, type Static } from '@byoc-hub/plugin-api'

/** The channel's block in byoc-hub.yaml (channels[].config); unknown keys are refused so typos show. */
export const ConfigSchema = Type.Object({
  platformUrl: Type.String({ pattern: '^https?://', description: 'where agent messages and signals are POSTed' }),
  signingSecret: Type.String({ minLength: 16, description: 'shared with the platform: signs requests both ways', 'x-secret': true }),
  timeoutMs: Type.Integer({ minimum: 100, maximum: 60000, default: 10000 })
}, { additionalProperties: false })

export type Config = Static<typeof ConfigSchema>
