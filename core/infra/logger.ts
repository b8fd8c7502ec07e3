import type { FastifyServerOptions } from 'fastify'

/** pino options: secrets and tokens never reach the logs; message text too when the operator asks. */
export function loggerOptions (level: string, redactMessageText: boolean): FastifyServerOptions['logger'] {
  if (level === 'silent') return false
  const paths = [
    'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]',
    '*.client_secret', '*.clientSecret', '*.access_token', '*.accessToken', '*.accessKeySecret', '*.password', '*.token', '*.secret',
    ...(redactMessageText ? ['*.text', '*.messageContent', '*.payload.text'] : [])
  ]
  return { level, redact: { paths, censor: '[redacted]' } }
}
