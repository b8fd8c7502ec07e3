import { definePluginErrors } from '@byoc-hub/plugin-api'

/**
 * The one answer this channel adds to the pipeline's (BYOC_ERR_WEBHOOK_*, core/errors.ts): an event the mapping
 * cannot read. The message names the pointer. Codes are public (docs/errors.md).
 */
export const GenericWebhookErrors = definePluginErrors('GENERIC_WEBHOOK', {
  MAPPING: { statusCode: 422, message: '%s' }
})
