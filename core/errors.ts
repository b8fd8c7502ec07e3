import createError from '@fastify/error'

/**
 * Every error code the hub's core raises or answers with, in one table of @fastify/error classes (as fastify's
 * lib/errors.js). docs/errors.md lists the same codes and statuses; test/core/errors.test.ts keeps the two in step.
 *
 * Who owns which code:
 * - this file: the hub's HTTP answers, boot failures (config, plugins), the sandbox console's own answers (SANDBOX_*),
 *   and the codes a failed call to CXone is recorded with (CxoneFailureCodes, below);
 * - a channel plugin: its own `BYOC_<PREFIX>_ERR_*` codes, made with definePluginErrors (core/plugin-api, which
 *   imports nothing from here), and the contract's BYOC_ERR_CHANNEL_UNSUPPORTED (ChannelUnsupportedError, thrown by
 *   plugins, so it lives in plugin-api too);
 * - CXone: the sandbox's DFO routes answer DFO's own `{ errors: [...] }` envelope and errorCodes
 *   (core/sandbox/dfo-errors.ts). That is the emulated CXone speaking, not the hub.
 */

type Cause = { cause: unknown }
/** A message with '%s' takes the caller's text (as fastify's FST_ERR_VALIDATION); one without takes only a cause. */
type Args<M extends string> = M extends `${string}%s${string}` ? [text: string, options?: Cause] : [options?: Cause]

/** An entry: the @fastify/error class, which also names its code, status and message for answers sent without a throw. */
export type CodedErrorClass<C extends string = string, M extends string = string> =
  createError.FastifyErrorConstructor<{ code: C, statusCode: number }, Args<M>> & CodedErrorSpec & { readonly code: C, readonly message: M }

export interface CodedErrorSpec { readonly code: string, readonly statusCode: number, readonly message: string }

function coded<C extends string, M extends string> (code: C, message: M, statusCode: number): CodedErrorClass<C, M> {
  return Object.assign(createError<C, number, Args<M>>(code, message, statusCode), { code, message, statusCode })
}

export const Errors = {
  // Request validation
  VALIDATION: coded('BYOC_ERR_VALIDATION', 'Request body or parameters are invalid', 400),
  BODY_TOO_LARGE: coded('BYOC_ERR_BODY_TOO_LARGE', 'Request body is too large', 413),
  UNSUPPORTED_MEDIA_TYPE: coded('BYOC_ERR_UNSUPPORTED_MEDIA_TYPE', 'Content type is not supported', 415),
  MALFORMED_BODY: coded('BYOC_ERR_MALFORMED_BODY', 'Request body could not be parsed', 400),
  ID_INVALID: coded('BYOC_ERR_ID_INVALID', 'A customer, thread or message id must be non-empty printable UTF-8 of at most 256 characters, without control characters or lone surrogates', 400),
  NOT_FOUND: coded('BYOC_ERR_NOT_FOUND', 'Route not found', 404),
  RATE_LIMITED: coded('BYOC_ERR_RATE_LIMITED', 'Too many requests', 429),
  // Authentication of CXone calling the hub (and of Prometheus scraping /metrics)
  UNAUTHORIZED: coded('BYOC_ERR_UNAUTHORIZED', 'Missing, invalid or expired access token', 401),
  // The admin API (/admin, behind admin.token)
  ADMIN_UNAUTHORIZED: coded('BYOC_ERR_ADMIN_UNAUTHORIZED', 'Missing or wrong admin token (admin.token)', 401),
  DEAD_LETTER_UNKNOWN: coded('BYOC_ERR_DEAD_LETTER_UNKNOWN', 'No dead letter with this job id', 404),
  DEAD_LETTER_ERASED: coded('BYOC_ERR_DEAD_LETTER_ERASED', 'This dead letter was stopped by an erasure and holds nothing to deliver', 409),
  // Channels and threads
  CHANNEL_UNKNOWN: coded('BYOC_ERR_CHANNEL_UNKNOWN', 'Unknown channel', 404),
  TENANT_UNKNOWN: coded('BYOC_ERR_TENANT_UNKNOWN', 'Unknown tenant', 404),
  THREAD_UNKNOWN: coded('BYOC_ERR_THREAD_UNKNOWN', 'Unknown thread', 404),
  THREAD_CLOSED: coded('BYOC_ERR_THREAD_CLOSED', 'The conversation has ended; start a new one', 409),
  THREAD_AMBIGUOUS: coded('BYOC_ERR_THREAD_AMBIGUOUS', 'The thread id exists on several channels this client may use; reply through the channel (M3)', 409),
  RECIPIENT_UNKNOWN: coded('BYOC_ERR_RECIPIENT_UNKNOWN', 'Recipient is unknown on this channel', 400),
  MESSAGE_EMPTY: coded('BYOC_ERR_MESSAGE_EMPTY', 'Message has neither text nor attachments', 400),
  // Signed webhooks (the pipeline core runs for a plugin's `webhooks`, per Standard Webhooks)
  WEBHOOK_UNSIGNED: coded('BYOC_ERR_WEBHOOK_UNSIGNED', 'webhook-id, webhook-timestamp and webhook-signature headers are required', 401),
  WEBHOOK_TIMESTAMP: coded('BYOC_ERR_WEBHOOK_TIMESTAMP', 'webhook-timestamp is outside the accepted window', 401),
  WEBHOOK_SIGNATURE: coded('BYOC_ERR_WEBHOOK_SIGNATURE', 'webhook-signature does not match', 401),
  WEBHOOK_MALFORMED: coded('BYOC_ERR_WEBHOOK_MALFORMED', 'The signed body is not JSON', 400),
  WEBHOOK_SCHEMA: coded('BYOC_ERR_WEBHOOK_SCHEMA', 'The event does not match the webhook\'s schema', 422),
  // Channel management (Add/Reconnect/Remove action URLs)
  ACTION_TOKEN_INVALID: coded('BYOC_ERR_ACTION_TOKEN_INVALID', 'The one-time token could not be verified with CXone', 403),
  CHANNEL_INTEGRATION_ID_MISSING: coded('BYOC_ERR_CHANNEL_INTEGRATION_ID_MISSING', 'cxone.channelIntegrationId is not set: the hub cannot create channels until it names the Integration ID CXone gave the BYOC integration', 409),
  // Agent attachments kept by the hub
  ATTACHMENT_UNKNOWN: coded('BYOC_ERR_ATTACHMENT_UNKNOWN', 'No such attachment', 404),
  ATTACHMENT_NOT_KEPT: coded('BYOC_ERR_ATTACHMENT_NOT_KEPT', 'The file was larger than the hub keeps (cxone.attachmentCopyMaxBytes) and CXone\'s link to it has expired; ask the agent to send it again', 410),
  // Service state
  NOT_READY: coded('BYOC_ERR_NOT_READY', 'The hub is starting or shutting down', 503),
  STORE_UNAVAILABLE: coded('BYOC_ERR_STORE_UNAVAILABLE', 'The store is unreachable; try again', 503),
  OVERLOADED: coded('BYOC_ERR_OVERLOADED', 'The hub is overloaded; retry after the Retry-After delay', 503),
  CXONE_UNAVAILABLE: coded('BYOC_ERR_CXONE_UNAVAILABLE', 'CXone could not be reached', 502),
  INTERNAL: coded('BYOC_ERR_INTERNAL', 'Internal error', 500),
  // Boot-time (config and plugins); never sent over HTTP
  CONFIG_INVALID: coded('BYOC_ERR_CONFIG_INVALID', 'Configuration is invalid', 500),
  PLUGIN_INVALID: coded('BYOC_ERR_PLUGIN_INVALID', 'Channel plugin is invalid', 500),
  CHANNEL_CONFIG_INVALID: coded('BYOC_ERR_CHANNEL_CONFIG_INVALID', 'Channel configuration is invalid', 500),
  // The sandbox's own console and control API; the message is the sandbox's, written where it is raised
  SANDBOX_BAD_REQUEST: coded('BYOC_ERR_SANDBOX_BAD_REQUEST', '%s', 400),
  SANDBOX_NOT_FOUND: coded('BYOC_ERR_SANDBOX_NOT_FOUND', '%s', 404),
  SANDBOX_THREAD_CLOSED: coded('BYOC_ERR_SANDBOX_THREAD_CLOSED', '%s', 409),
  SANDBOX_NO_CASE: coded('BYOC_ERR_SANDBOX_NO_CASE', '%s', 409),
  SANDBOX_HUB_FAILED: coded('BYOC_ERR_SANDBOX_HUB_FAILED', '%s', 502),
  SANDBOX_NOT_CONFIGURED: coded('BYOC_ERR_SANDBOX_NOT_CONFIGURED', '%s', 501),
  SANDBOX_CONSOLE_UNAUTHORIZED: coded('BYOC_ERR_SANDBOX_CONSOLE_UNAUTHORIZED', '%s', 401),
  SANDBOX_FAULTS_INVALID: coded('BYOC_ERR_SANDBOX_FAULTS_INVALID', '%s', 400),
  SANDBOX_INTERNAL: coded('BYOC_ERR_SANDBOX_INTERNAL', '%s', 500)
} as const

/**
 * Codes a failed call to CXone is recorded with (DfoError, core/cxone/dfo-types.ts): a job's lastError, the logs,
 * `byoc-hub dead-letters list`. They are acted on, not answered: they carry no HTTP status of the hub's (one that
 * reaches the error handler answers 500 BYOC_ERR_INTERNAL), so they are codes here, not classes.
 */
export const CxoneFailureCodes = [
  'BYOC_ERR_CXONE_THREAD_CLOSED', // cannotAddMoreMessagesToPost: stop, tell the platform
  'BYOC_ERR_CXONE_REJECTED', // other 4xx: never retried, dead-lettered
  'BYOC_ERR_CXONE_UNAUTHORIZED', // 401 even after a fresh token
  'BYOC_ERR_CXONE_RATE_LIMITED', // 429: retry after retryAfterMs
  'BYOC_ERR_CXONE_UNAVAILABLE', // 5xx
  'BYOC_ERR_CXONE_TIMEOUT',
  'BYOC_ERR_CXONE_NETWORK',
  'BYOC_ERR_CXONE_DISCOVERY' // region discovery failed (cxone.tenantId): retried with back-off
] as const
export type CxoneFailureCode = typeof CxoneFailureCodes[number]

/** What the error handler answers for a 4xx error that carries no code of ours (a library's): one documented family. */
export const httpFallbackCode = (status: number): string => `BYOC_ERR_HTTP_${status}`

/** Names of the entries whose message is fixed here; hubError adds the detail after a colon. */
export type ErrorName = { [K in keyof typeof Errors]: typeof Errors[K]['message'] extends `${string}%s${string}` ? never : K }[keyof typeof Errors]
export type HubError = createError.FastifyError & { readonly code: typeof Errors[keyof typeof Errors]['code'], readonly statusCode: number }

/** `hubError('THREAD_UNKNOWN', 't-1')`: message 'Unknown thread: t-1'. */
export function hubError (name: ErrorName, detail?: string, options?: { cause?: unknown }): HubError {
  const err: HubError = options?.cause !== undefined ? new Errors[name]({ cause: options.cause }) : new Errors[name]()
  if (detail) {
    err.message = `${err.message}: ${detail}`
    Error.captureStackTrace(err, hubError) // the stack's first line repeats the message: write it with the detail
  }
  return err
}

const hubCodes: ReadonlySet<string> = new Set(Object.values(Errors).map(e => e.code))

/** An error made from this table (not a plugin's, not a library's). */
export function isHubError (err: unknown): err is HubError {
  return err instanceof createError.FastifyError && hubCodes.has(err.code)
}
