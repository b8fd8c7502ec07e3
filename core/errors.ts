/**
 * Every error code the hub answers with: one table (like fastify's lib/errors.js). docs/errors.md lists the same
 * codes and test/core/errors.test.ts keeps the two in step.
 */
export interface CodedErrorSpec { readonly code: string, readonly statusCode: number, readonly message: string }

export class HubError extends Error {
  readonly code: string
  readonly statusCode: number
  constructor (spec: CodedErrorSpec, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${spec.message}: ${detail}` : spec.message, options)
    this.code = spec.code
    this.statusCode = spec.statusCode
  }
}

const e = (code: string, statusCode: number, message: string): CodedErrorSpec => ({ code, statusCode, message })

export const Errors = {
  /** Request validation */
  VALIDATION: e('BYOC_ERR_VALIDATION', 400, 'Request body or parameters are invalid'),
  BODY_TOO_LARGE: e('BYOC_ERR_BODY_TOO_LARGE', 413, 'Request body is too large'),
  UNSUPPORTED_MEDIA_TYPE: e('BYOC_ERR_UNSUPPORTED_MEDIA_TYPE', 415, 'Content type is not supported'),
  MALFORMED_BODY: e('BYOC_ERR_MALFORMED_BODY', 400, 'Request body could not be parsed'),
  ID_INVALID: e('BYOC_ERR_ID_INVALID', 400, 'A customer, thread or message id must be non-empty printable UTF-8 of at most 256 characters, without control characters or lone surrogates'),
  NOT_FOUND: e('BYOC_ERR_NOT_FOUND', 404, 'Route not found'),
  RATE_LIMITED: e('BYOC_ERR_RATE_LIMITED', 429, 'Too many requests'),
  /** Authentication of CXone calling the hub */
  UNAUTHORIZED: e('BYOC_ERR_UNAUTHORIZED', 401, 'Missing, invalid or expired access token'),
  /** Channels and threads */
  CHANNEL_UNKNOWN: e('BYOC_ERR_CHANNEL_UNKNOWN', 404, 'Unknown channel'),
  THREAD_UNKNOWN: e('BYOC_ERR_THREAD_UNKNOWN', 404, 'Unknown thread'),
  THREAD_CLOSED: e('BYOC_ERR_THREAD_CLOSED', 409, 'The conversation has ended; start a new one'),
  THREAD_AMBIGUOUS: e('BYOC_ERR_THREAD_AMBIGUOUS', 409, 'The thread id exists on several channels this client may use; reply through the channel (M3)'),
  RECIPIENT_UNKNOWN: e('BYOC_ERR_RECIPIENT_UNKNOWN', 400, 'Recipient is unknown on this channel'),
  MESSAGE_EMPTY: e('BYOC_ERR_MESSAGE_EMPTY', 400, 'Message has neither text nor attachments'),
  MESSAGE_TOO_LONG: e('BYOC_ERR_MESSAGE_TOO_LONG', 400, 'Message text exceeds what the channel can carry'),
  ATTACHMENTS_UNSUPPORTED: e('BYOC_ERR_ATTACHMENTS_UNSUPPORTED', 422, 'The channel cannot carry attachments'),
  /** Signed webhooks (the pipeline core runs for a plugin's `webhooks`, per Standard Webhooks) */
  WEBHOOK_UNSIGNED: e('BYOC_ERR_WEBHOOK_UNSIGNED', 401, 'webhook-id, webhook-timestamp and webhook-signature headers are required'),
  WEBHOOK_TIMESTAMP: e('BYOC_ERR_WEBHOOK_TIMESTAMP', 401, 'webhook-timestamp is outside the accepted window'),
  WEBHOOK_SIGNATURE: e('BYOC_ERR_WEBHOOK_SIGNATURE', 401, 'webhook-signature does not match'),
  WEBHOOK_MALFORMED: e('BYOC_ERR_WEBHOOK_MALFORMED', 400, 'The signed body is not JSON'),
  WEBHOOK_SCHEMA: e('BYOC_ERR_WEBHOOK_SCHEMA', 422, 'The event does not match the webhook\'s schema'),
  /** Channel management (Add/Reconnect/Remove action URLs) */
  ACTION_TOKEN_INVALID: e('BYOC_ERR_ACTION_TOKEN_INVALID', 403, 'The one-time token could not be verified with CXone'),
  CHANNEL_INTEGRATION_ID_MISSING: e('BYOC_ERR_CHANNEL_INTEGRATION_ID_MISSING', 409, 'cxone.channelIntegrationId is not set: the hub cannot create channels until it names the Integration ID CXone gave the BYOC integration'),
  /** Agent attachments kept by the hub */
  ATTACHMENT_UNKNOWN: e('BYOC_ERR_ATTACHMENT_UNKNOWN', 404, 'No such attachment'),
  ATTACHMENT_NOT_KEPT: e('BYOC_ERR_ATTACHMENT_NOT_KEPT', 410, 'The file was larger than the hub keeps (cxone.attachmentCopyMaxBytes) and CXone\'s link to it has expired; ask the agent to send it again'),
  /** Service state */
  NOT_READY: e('BYOC_ERR_NOT_READY', 503, 'The hub is starting or shutting down'),
  STORE_UNAVAILABLE: e('BYOC_ERR_STORE_UNAVAILABLE', 503, 'The store is unreachable; try again'),
  OVERLOADED: e('BYOC_ERR_OVERLOADED', 503, 'The hub is overloaded; retry after the Retry-After delay'),
  CXONE_UNAVAILABLE: e('BYOC_ERR_CXONE_UNAVAILABLE', 502, 'CXone could not be reached'),
  INTERNAL: e('BYOC_ERR_INTERNAL', 500, 'Internal error'),
  /** Boot-time (config and plugins); never sent over HTTP */
  CONFIG_INVALID: e('BYOC_ERR_CONFIG_INVALID', 500, 'Configuration is invalid'),
  PLUGIN_INVALID: e('BYOC_ERR_PLUGIN_INVALID', 500, 'Channel plugin is invalid'),
  CHANNEL_CONFIG_INVALID: e('BYOC_ERR_CHANNEL_CONFIG_INVALID', 500, 'Channel configuration is invalid')
} as const

export type ErrorName = keyof typeof Errors
export const hubError = (name: ErrorName, detail?: string, options?: { cause?: unknown }): HubError => new HubError(Errors[name], detail, options)
