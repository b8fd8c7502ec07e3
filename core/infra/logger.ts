import type { FastifyRequest, FastifyServerOptions } from 'fastify'
import pino from 'pino'

/** query parameters that carry credentials (CXone's one-time token on the action URLs, OAuth-style tokens) */
const SECRET_PARAMS = /^(token|access_token|id_token|code|client_secret|secret|signature|sig|key|api_key|password)$/i

/** The request URL as logged: secret query values replaced, so `GET /actions/add?token=...` cannot leak a token. */
export function redactUrl (url: string): string {
  const q = url.indexOf('?')
  if (q === -1) return url
  const params = url.slice(q + 1).split('&').map(pair => {
    const eq = pair.indexOf('=')
    const name = eq === -1 ? pair : pair.slice(0, eq)
    let decoded = name
    try { decoded = decodeURIComponent(name) } catch { /* keep the raw name */ }
    return eq !== -1 && SECRET_PARAMS.test(decoded) ? `${name}=[redacted]` : pair
  })
  return `${url.slice(0, q)}?${params.join('&')}`
}

type AsyncDestination = ReturnType<typeof pino.destination>
let stdout: AsyncDestination | undefined
/** sonic-boom sets `destroyed` once ended (pino ends it on beforeExit); its typings leave the field out */
const ended = (dest: AsyncDestination): boolean => (dest as unknown as { destroyed?: boolean }).destroyed === true

/**
 * Standard output written asynchronously, one destination per process however many hubs run in it: a line is
 * handed to the kernel by a background write as soon as the previous write is done, instead of a blocking write on
 * the request's own time. Nothing is held back (minLength 0) or sampled, so warnings and errors still go out at
 * once; what is in flight when the process exits is written synchronously then (pino registers that flush).
 */
export function logDestination (): AsyncDestination {
  if (stdout === undefined || ended(stdout)) stdout = pino.destination({ dest: 1, sync: false, minLength: 0 })
  return stdout
}

/** Writes out every line logged so far, synchronously (a hub's close); never throws, a close must not fail on it. */
export function flushLogs (): void {
  if (stdout === undefined || ended(stdout)) return
  try { stdout.flushSync() } catch { /* nothing to flush, or stdout is gone: nothing to save either */ }
}

/** pino options: secrets and tokens never reach the logs; message text too when the operator asks. */
export function loggerOptions (level: string, redactMessageText: boolean): FastifyServerOptions['logger'] {
  if (level === 'silent') return false
  const paths = [
    'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]',
    '*.client_secret', '*.clientSecret', '*.access_token', '*.accessToken', '*.accessKeySecret', '*.password', '*.token', '*.secret',
    ...(redactMessageText ? ['*.text', '*.messageContent', '*.payload.text'] : [])
  ]
  return {
    level,
    stream: logDestination(),
    redact: { paths, censor: '[redacted]' },
    serializers: {
      // fastify's default request serializer, with the query string's secrets masked
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: redactUrl(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort
      })
    }
  }
}
