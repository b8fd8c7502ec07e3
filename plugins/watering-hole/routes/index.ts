import type { FastifyInstance } from 'fastify'
import type { ChannelHost } from '@byoc-hub/plugin-api'
import type { WateringHoleConfig } from '../config.js'
import type { WateringHoleEvent } from '../inbound.js'
import { attachmentRoutes } from './attachments.js'
import { wateringHoleErrorHandler } from './errors.js'
import { identityRoutes } from './identity.js'
import { socketRoutes } from './socket.js'
import { staticRoutes } from './static.js'

/** Everything under /channels/watering-hole (an encapsulated scope: our error handler stays ours). */
export function wateringHoleRoutes (host: ChannelHost<WateringHoleConfig, WateringHoleEvent>) {
  return async function routes (scope: FastifyInstance): Promise<void> {
    scope.setErrorHandler(wateringHoleErrorHandler)
    staticRoutes(scope, host)
    identityRoutes(scope, host)
    attachmentRoutes(scope, host)
    await socketRoutes(scope, host)
  }
}
