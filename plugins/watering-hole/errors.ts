import { ChannelRequestError } from '@byoc-hub/plugin-api'

// Every code this channel answers with; the widget keys its messages on them.
export const WhErrorCodes = {
  invalidBody: 'BYOC_WATERING_HOLE_ERR_INVALID_BODY',
  invalidFrame: 'BYOC_WATERING_HOLE_ERR_INVALID_FRAME',
  tokenInvalid: 'BYOC_WATERING_HOLE_ERR_TOKEN_INVALID',
  originForbidden: 'BYOC_WATERING_HOLE_ERR_ORIGIN_FORBIDDEN',
  helloRequired: 'BYOC_WATERING_HOLE_ERR_HELLO_REQUIRED',
  threadClosed: 'BYOC_WATERING_HOLE_ERR_THREAD_CLOSED',
  noThread: 'BYOC_WATERING_HOLE_ERR_NO_THREAD',
  rateLimited: 'BYOC_WATERING_HOLE_ERR_RATE_LIMITED',
  attachmentTooLarge: 'BYOC_WATERING_HOLE_ERR_ATTACHMENT_TOO_LARGE',
  attachmentInvalid: 'BYOC_WATERING_HOLE_ERR_ATTACHMENT_INVALID',
  attachmentType: 'BYOC_WATERING_HOLE_ERR_ATTACHMENT_TYPE',
  textTooLong: 'BYOC_WATERING_HOLE_ERR_TEXT_TOO_LONG',
  notFound: 'BYOC_WATERING_HOLE_ERR_NOT_FOUND',
  unavailable: 'BYOC_WATERING_HOLE_ERR_UNAVAILABLE'
} as const

export type WhErrorCode = typeof WhErrorCodes[keyof typeof WhErrorCodes]

export function whError (code: WhErrorCode, message: string, statusCode = 400): ChannelRequestError {
  return new ChannelRequestError(code, message, statusCode)
}
