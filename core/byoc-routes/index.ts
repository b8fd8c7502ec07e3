import type { FastifyInstance } from 'fastify'
import type { ChannelRegistry } from '../channels/runtime.js'
import type { ConversationService } from '../conversations/service.js'
import type { Store } from '../store/types.js'
import { cxoneAccess } from './access.js'
import { agentMessageRoutes } from './agent-messages.js'
import { typingRoutes } from './typing.js'
import { recipientRoutes } from './recipients.js'

export interface CxoneRoutesOptions {
  channels: ChannelRegistry
  conversations: ConversationService
  store: Store
  publicUrl: () => string
  /** each client id's tenant: a client acts on its own tenant's channels only */
  clientTenants: ReadonlyMap<string, string>
  /** clients bound to some channels only (auth.clients[].channels); a client not listed may act on its tenant's every channel */
  clientChannels?: ReadonlyMap<string, ReadonlySet<string>>
}

/** M2..M5: what CXone calls on the hub. Mounted under server.basePath; every route needs the hub's bearer token. */
export async function cxoneRoutes (app: FastifyInstance, opts: CxoneRoutesOptions): Promise<void> {
  app.addHook('onRequest', app.requireCxone)
  // CXone speaks JSON; anything else is refused with 415 instead of reaching validation as a string
  app.removeContentTypeParser('text/plain')
  const access = cxoneAccess(opts.channels, opts.store, opts.clientTenants, opts.clientChannels)
  await agentMessageRoutes(app, { ...opts, access })
  await typingRoutes(app, { conversations: opts.conversations, access })
  await recipientRoutes(app, { store: opts.store, access })
}
