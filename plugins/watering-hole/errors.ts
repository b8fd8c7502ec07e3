import { definePluginErrors } from '@byoc-hub/plugin-api'

/**
 * Every code this channel answers with (BYOC_WATERING_HOLE_ERR_*): thrown by its routes, or sent as `.code` in a
 * socket error frame. The widget keys its messages on the codes, so they never change.
 */
export const WateringHoleErrors = definePluginErrors('WATERING_HOLE', {
  INVALID_BODY: { statusCode: 400, message: '%s' },
  INVALID_FRAME: { statusCode: 400, message: '%s' },
  TOKEN_INVALID: { statusCode: 401, message: '%s' },
  ORIGIN_FORBIDDEN: { statusCode: 403, message: '%s' },
  HELLO_REQUIRED: { statusCode: 400, message: '%s' },
  THREAD_CLOSED: { statusCode: 409, message: '%s' },
  NO_THREAD: { statusCode: 404, message: '%s' },
  RATE_LIMITED: { statusCode: 429, message: '%s' },
  ATTACHMENT_TOO_LARGE: { statusCode: 413, message: '%s' },
  ATTACHMENT_INVALID: { statusCode: 400, message: '%s' },
  ATTACHMENT_TYPE: { statusCode: 415, message: '%s' },
  TEXT_TOO_LONG: { statusCode: 400, message: '%s' },
  NOT_FOUND: { statusCode: 404, message: '%s' },
  UNAVAILABLE: { statusCode: 503, message: '%s' }
})

export type WhErrorCode = typeof WateringHoleErrors[keyof typeof WateringHoleErrors]['code']
