import type { FastifyRequest } from 'fastify'

/** The hub's own origin as this request reached it. */
export function selfOrigin (request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`
}

/**
 * Browsers always send Origin on WebSocket upgrades and cross-site POSTs. The widget's own iframe is
 * same-origin; other pages need to be listed. Non-browser clients (no Origin) still need a valid token.
 */
export function originAllowed (origin: string | undefined, self: string, allowed: readonly string[]): boolean {
  if (origin === undefined || origin === self) return true
  return allowed.includes('*') || allowed.includes(origin)
}

/** frame-ancestors value: who may embed the widget page in an iframe. */
export function frameAncestors (allowed: readonly string[]): string {
  return allowed.includes('*') ? '*' : ["'self'", ...allowed].join(' ')
}
