import { definePluginErrors } from '@byoc-hub/plugin-api'

/**
 * Every code this channel answers with is BYOC_TEMPLATE_CHANNEL_ERR_<NAME>: the prefix is the channel's name. List
 * each in README.md and never change one once published. Core's own codes (BYOC_ERR_WEBHOOK_*) cover signatures,
 * timestamps, JSON and the schema.
 */
export const ChannelErrors = definePluginErrors('TEMPLATE_CHANNEL', {
  UNKNOWN_EVENT: { statusCode: 422, message: 'unknown event type: %s' }
})
