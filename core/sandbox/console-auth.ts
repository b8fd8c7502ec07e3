import type { FastifyReply, FastifyRequest } from 'fastify'
import { secretsEqual } from '../auth/client-credentials.js'
import { Errors } from '../errors.js'

/** The cookie the console page sets from its ?token=; the browser then sends it to the console API by itself. */
export const CONSOLE_COOKIE = 'byoc_sandbox_console'

function cookie (header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return undefined
}

/** What the request presents: `Authorization: Bearer <token>` (scripts, the plugin kit's agent) or the console cookie. */
export function presentedConsoleToken (req: FastifyRequest): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')
  return bearer?.[1] ?? cookie(req.headers.cookie, CONSOLE_COOKIE)
}

export const consoleTokenValid = (presented: string | undefined, token: string): boolean =>
  presented !== undefined && token.length > 0 && secretsEqual(presented, token)

export function refuseConsole (reply: FastifyReply): FastifyReply {
  return reply.code(Errors.SANDBOX_CONSOLE_UNAUTHORIZED.statusCode).header('www-authenticate', 'Bearer realm="byoc-hub sandbox console"').header('cache-control', 'no-store')
    .send({ error: { code: Errors.SANDBOX_CONSOLE_UNAUTHORIZED.code, message: 'The sandbox console needs its login token: open the console URL `byoc-hub start` printed (…/sandbox/console/?token=…)' } })
}

/** onRequest hook for the console API, fault injection and one-time-token minting: 401 unless the credential matches. */
export function requireConsoleToken (token: string) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> =>
    consoleTokenValid(presentedConsoleToken(req), token) ? undefined : refuseConsole(reply)
}

/** The console page's own 200 sets the cookie (HttpOnly: no script reads it; Strict: no other site sends it). */
export function setConsoleCookie (req: FastifyRequest, reply: FastifyReply, token: string, path: string): void {
  const secure = req.protocol === 'https' ? '; Secure' : ''
  reply.header('set-cookie', `${CONSOLE_COOKIE}=${encodeURIComponent(token)}; Path=${path}; HttpOnly; SameSite=Strict${secure}`)
}
