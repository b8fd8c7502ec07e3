import type { FastifyRequest } from 'fastify'
import type { ChannelRegistry, ChannelRuntime } from '../channels/runtime.js'
import type { DocumentsPort } from '../store/types.js'
import { hubError } from '../errors.js'

/** What every route CXone calls needs: which channel a request may act on, and request-level idempotency. */
export interface CxoneAccess {
  /**
   * The channel named by its CXone id (or the hub's id), looked up among the caller's tenant's channels only (CXone
   * channel ids are unique per tenant, not across them); unknown, or not this client's, is CHANNEL_UNKNOWN.
   */
  channelOf (request: FastifyRequest, cxoneChannelId: string): ChannelRuntime
  /** Another tenant's channels, and for a client bound to some channels the others, are unknown: never revealed. */
  mayUse (request: FastifyRequest, channel: ChannelRuntime): boolean
  /** CXone may retry a call: an Idempotency-Key header (if it sends one) returns the first answer. */
  once<T> (request: FastifyRequest, scope: string, work: () => Promise<T>): Promise<T>
}

/**
 * `clientTenants`: each client id's tenant (config/tenants.ts), the authority on what a verified bearer may reach;
 * a client not in it (none is, once the token endpoint checked it) reaches nothing.
 */
export function cxoneAccess (channels: ChannelRegistry, store: DocumentsPort, clientTenants: ReadonlyMap<string, string>, clientChannels?: ReadonlyMap<string, ReadonlySet<string>>): CxoneAccess {
  const clientOf = (request: FastifyRequest): string => (request.user as { sub?: string } | undefined)?.sub ?? ''
  const mayUse = (request: FastifyRequest, channel: ChannelRuntime): boolean => {
    const client = clientOf(request)
    if (clientTenants.get(client) !== channel.tenant) return false
    const bound = clientChannels?.get(client)
    return !bound || bound.has(channel.id)
  }
  return {
    mayUse,
    channelOf (request, cxoneChannelId) {
      const tenant = clientTenants.get(clientOf(request))
      const channel = (tenant !== undefined ? channels.getByCxoneId(tenant, cxoneChannelId) : undefined) ?? channels.get(cxoneChannelId)
      if (!channel || !mayUse(request, channel)) throw hubError('CHANNEL_UNKNOWN', cxoneChannelId)
      return channel
    },
    async once (request, scope, work) {
      const key = request.headers['idempotency-key']
      if (typeof key !== 'string' || key.length === 0 || key.length > 255) return work()
      const seen = await store.getDoc<Awaited<ReturnType<typeof work>>>(`idem:${scope}`, key)
      if (seen !== undefined) return seen
      const result = await work()
      await store.putDoc(`idem:${scope}`, key, result)
      return result
    }
  }
}
