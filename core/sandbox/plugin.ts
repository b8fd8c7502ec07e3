import type { FastifyError, FastifyPluginAsync } from 'fastify'
import { Agent } from './agent.js'
import { authRoutes } from './auth-routes.js'
import { consoleApi } from './console-api.js'
import { requireConsoleToken } from './console-auth.js'
import { consoleStatic } from './console-static.js'
import { seedChannel } from './dfo-channels.js'
import { dfoError } from './dfo-errors.js'
import { dfoRoutes } from './dfo-routes.js'
import { discoveryRoutes } from './discovery-routes.js'
import { faultRoutes, setFaults } from './faults.js'
import { HubClient } from './hub-client.js'
import type { SandboxOptions } from './options.js'
import { SandboxState } from './state.js'

/**
 * The CXone emulator as an encapsulated Fastify plugin (the hub registers it with { prefix: '/sandbox' }).
 * Holds no state of its own: everything is in opts.store, so any number of instances can serve it.
 */
export const sandboxPlugin: FastifyPluginAsync<SandboxOptions> = async (app, opts) => {
  // an empty secret would let anyone in: refuse to start rather than run open
  if (!opts.consoleToken || !opts.accessKeySecret) throw new Error('sandbox: consoleToken and accessKeySecret are required (withKeptSecrets generates them)')
  const state = new SandboxState(opts.store)
  for (const ch of opts.channels ?? []) {
    if (!await state.getChannel(ch.id)) await state.putChannel(seedChannel(ch.id, ch.name))
  }
  if (opts.faults) await setFaults(opts.store, opts.faults)

  // DFO clients read errors[0].message and errors[0].parameters.errorCode, also for malformed bodies.
  app.setErrorHandler((err: FastifyError, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500
    if (status >= 500) app.log.error({ err }, 'sandbox request failed')
    return dfoError(reply, status, status >= 500 ? 'internalServerError' : 'badRequest', status >= 500 ? 'Internal server error' : err.message)
  })

  const agent = new Agent(opts, state, new HubClient(opts.store, opts.hub))
  await app.register(authRoutes(opts))
  await app.register(discoveryRoutes)
  await app.register(dfoRoutes(opts, state), { prefix: '/dfo/3.0' })
  await app.register(consoleStatic(opts.consoleToken))
  // the agent's and the operator's controls: only with the console's login token (cookie or bearer)
  await app.register(async (guarded) => {
    guarded.addHook('onRequest', requireConsoleToken(opts.consoleToken))
    await guarded.register(faultRoutes(opts.store))
    await guarded.register(consoleApi(opts, state, agent), { prefix: '/console/api' })
  })
}
