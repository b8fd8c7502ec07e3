import type { FastifyContextConfig, FastifyRequest } from 'fastify'

/** Per-route exceptions to the DFO hooks. */
export type RouteFlags = { publicRoute?: boolean, noFaults?: boolean }
/** carries no bearer token (the one-time-token exchange) */
export const PUBLIC = { publicRoute: true } satisfies RouteFlags as FastifyContextConfig
/** a download link handed to platforms: no token, no injected faults */
export const PUBLIC_FILE = { publicRoute: true, noFaults: true } satisfies RouteFlags as FastifyContextConfig
export const routeFlags = (req: FastifyRequest): RouteFlags => (req.routeOptions.config ?? {}) as RouteFlags
