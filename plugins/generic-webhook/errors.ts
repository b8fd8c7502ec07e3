import { ChannelRequestError } from '@byoc-hub/plugin-api'

/** Every answer this channel gives a platform that is not a 2xx; the codes are public (docs/writing-a-channel-plugin.md). */
export const WebhookErrors = {
  MALFORMED: { code: 'BYOC_ERR_WEBHOOK_MALFORMED', status: 400 },
  UNSIGNED: { code: 'BYOC_ERR_WEBHOOK_UNSIGNED', status: 401 },
  SIGNATURE: { code: 'BYOC_ERR_WEBHOOK_SIGNATURE', status: 401 },
  TIMESTAMP: { code: 'BYOC_ERR_WEBHOOK_TIMESTAMP', status: 401 },
  MAPPING: { code: 'BYOC_ERR_WEBHOOK_MAPPING', status: 422 }
} as const

export type WebhookErrorName = keyof typeof WebhookErrors

export function webhookError (name: WebhookErrorName, message: string): ChannelRequestError {
  const spec = WebhookErrors[name]
  return new ChannelRequestError(spec.code, message, spec.status)
}
