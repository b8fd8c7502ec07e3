import type { ChannelTransport } from '@byoc-hub/plugin-api'
import type { WateringHoleAgentMessage } from './outbound.js'

/**
 * Deliberately no I/O. Core persists every agent message and signal before calling us and publishes the same
 * as LiveEvents to host.subscribe listeners on every instance; the socket session (socket/session.ts) pushes
 * frames from that one path only, so a message is never sent twice. Customers who are offline get it from
 * host.threads.history on their next hello. The id we report is the hub's own message id: the widget has no
 * other.
 */
export const transport: ChannelTransport<WateringHoleAgentMessage> = {
  async send (_msg, { target }) {
    return { externalId: target.messageId }
  },
  async signal () {}
}
