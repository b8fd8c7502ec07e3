import type { FastifyPluginAsync } from 'fastify'
import { requireBearer } from './auth-routes.js'
import { channelRoutes } from './dfo-channels.js'
import { contactRoutes } from './dfo-contacts.js'
import { messageRoutes } from './dfo-messages.js'
import { miscRoutes } from './dfo-misc.js'
import { threadRoutes } from './dfo-threads.js'
import { injectFaults } from './faults.js'
import { routeFlags } from './route-flags.js'
import type { SandboxOptions } from './options.js'
import type { SandboxState } from './state.js'

/** Everything under /dfo/3.0: faults first (as a struggling CXone would answer), then the bearer check. */
export function dfoRoutes (opts: SandboxOptions, state: SandboxState): FastifyPluginAsync {
  const faults = injectFaults(opts.store, opts.random ?? Math.random)
  const bearer = requireBearer(opts)
  return async (app) => {
    app.addHook('onRequest', async (req, reply) => routeFlags(req).noFaults ? undefined : faults(req, reply))
    app.addHook('onRequest', async (req, reply) => routeFlags(req).publicRoute ? undefined : bearer(req, reply))
    await app.register(messageRoutes(state))
    await app.register(channelRoutes(state))
    await app.register(threadRoutes(state))
    await app.register(contactRoutes(state))
    await app.register(miscRoutes(opts))
  }
}
