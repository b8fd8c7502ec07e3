import type { FastifyRequest } from 'fastify'
import type { ChannelRegistry, ChannelRuntime } from '../channels/runtime.js'
import type { DocumentsPort } from '../store/types.js'
import { hubError } from '../errors.js'

/** What every route CXone calls needs: which channel a request may act on, and request-level idempotency. */
export interface CxoneAccess {
  /** The channel named by its CXone id (or the hub's id); unknown, or not this client's, is CHANNEL_UNKNOWN. */
  channelOf (request: FastifyRequest, cxoneChannelId: string): ChannelRuntime
  /** A client bound to some channels sees the others as unknown: their existence is not revealed. */
  mayUse (request: FastifyRequest, channel: ChannelRuntime): boolean
  /** CXone may retry a call: an Idempotency-Key header (if it sends one) returns the first answer. */
  once<T> (request: FastifyRequest, scope: string, work: () => Promise<T>): Promise<T>
}

export function cxoneAccess (channels: ChannelRegistry, store: DocumentsPort, clientChannels?: ReadonlyMap<string, ReadonlySet<string>>): CxoneAccess {
  const mayUse = (request: FastifyRequest, channel: ChannelRuntime): boolean => {
    const bound = clientChannels?.get((request.user as { sub?: string } | undefined)?.sub ?? '')
    return !bound || bound.has(channel.id)
  }
  return {
    mayUse,
    channelOf (request, cxoneChannelId) {
      const channel = channels.getByCxoneId(cxoneChannelId) ?? channels.get(cxoneChannelId)
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
