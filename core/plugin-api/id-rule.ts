import { Type } from 'typebox'

/**
 * The one rule for every id a platform or CXone hands the hub (customer, thread, message): non-empty printable
 * UTF-8 of at most 256 characters (code points), with no control character (C0, DEL, C1) and no lone surrogate.
 * A lone surrogate cannot be written as UTF-8: the store would keep U+FFFD in its place and never find the id again.
 *
 * The pattern carries the length too, so a schema breach on an id is always a `pattern` failure on exactly this
 * string: that is how the error handler answers BYOC_ERR_ID_INVALID rather than the generic validation code.
 * Validators must compile it with the `u` flag (Ajv and TypeBox both do): the surrogate range then matches only
 * unpaired halves, and an emoji counts as one character.
 */
export const ID_MAX_LENGTH = 256
export const ID_PATTERN = `^[^\\u0000-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF]{1,${ID_MAX_LENGTH}}$`

const ID_REGEXP = new RegExp(ID_PATTERN, 'u')

/** A customer, thread or message id in a route schema. */
export const IdSchema = Type.String({ pattern: ID_PATTERN, description: `non-empty printable UTF-8, at most ${ID_MAX_LENGTH} characters` })

/** Why `value` breaks the id rule, or undefined when it keeps it. */
export function idProblem (value: unknown): string | undefined {
  if (typeof value !== 'string') return 'not a string'
  if (value.length === 0) return 'empty'
  if (ID_REGEXP.test(value)) return undefined
  if (/[\u0000-\u001F\u007F-\u009F]/.test(value)) return 'holds a control character' // eslint-disable-line no-control-regex
  if (/\p{Cs}/u.test(value)) return 'holds a lone surrogate'
  return `longer than ${ID_MAX_LENGTH} characters`
}
