import createError from '@fastify/error'

/** One error a plugin answers with: its HTTP status and a util.format message ('%s' takes the detail). */
export interface PluginErrorSpec {
  readonly statusCode: number
  readonly message: string
}

/** A coded error class (from @fastify/error) that also names its code and status, for answers that are not throws. */
export type PluginErrorConstructor<C extends string> =
  createError.FastifyErrorConstructor<{ code: C, statusCode: number }, unknown[]> & { readonly code: C, readonly statusCode: number }

/** `definePluginErrors('ACME_CHAT', { TOKEN_INVALID: … })` -> `{ TOKEN_INVALID: class with code 'BYOC_ACME_CHAT_ERR_TOKEN_INVALID' }` */
export type PluginErrors<P extends string, T> = { readonly [K in keyof T & string]: PluginErrorConstructor<`BYOC_${P}_ERR_${K}`> }

/** Upper snake case: the prefix is the channel name in capitals with '_' for '-', and each error name alike. */
export const PLUGIN_ERROR_SEGMENT = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/

/**
 * The error-code convention of channel plugins: every code a plugin answers with is `BYOC_<PREFIX>_ERR_<NAME>`, the
 * prefix its own (the channel name in capitals, 'watering-hole' -> 'WATERING_HOLE'), as @fastify/jwt has FST_JWT_*.
 * Each entry is an @fastify/error class: `throw new Errors.TOKEN_INVALID('detail')`, or `Errors.TOKEN_INVALID.code`
 * where the code travels without a throw (a websocket frame). The hub's error handler answers
 * `{ error: { code, message } }` with the class's status, and never shows a 5xx message. Since API 1.3.
 */
export function definePluginErrors<const P extends string, const T extends Readonly<Record<string, PluginErrorSpec>>> (prefix: P, specs: T): PluginErrors<P, T> {
  if (!PLUGIN_ERROR_SEGMENT.test(prefix)) throw new TypeError(`plugin error prefix '${prefix}' must match ${PLUGIN_ERROR_SEGMENT}`)
  const out: Record<string, PluginErrorConstructor<string>> = {}
  for (const [name, spec] of Object.entries(specs)) {
    if (!PLUGIN_ERROR_SEGMENT.test(name)) throw new TypeError(`plugin error name '${name}' must match ${PLUGIN_ERROR_SEGMENT}`)
    if (!Number.isInteger(spec.statusCode) || spec.statusCode < 400 || spec.statusCode > 599) {
      throw new TypeError(`plugin error ${name}: statusCode must be an HTTP error status (400-599)`)
    }
    const code = `BYOC_${prefix}_ERR_${name}`
    const ErrorClass = createError<string, number, unknown[]>(code, spec.message, spec.statusCode)
    out[name] = Object.defineProperties(ErrorClass, {
      code: { value: code, enumerable: true },
      statusCode: { value: spec.statusCode, enumerable: true }
    }) as PluginErrorConstructor<string>
  }
  return Object.freeze(out) as PluginErrors<P, T>
}
