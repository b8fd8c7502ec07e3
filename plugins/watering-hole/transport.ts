import type { ChannelHost, ChannelTransport } from '@byoc-hub/plugin-api'
import type { WateringHoleAgentMessage } from './outbound.js'
import { agentEntry, type WidgetPush } from './live.js'

/**
 * The widget's platform is its own sockets, wherever they are connected: agent messages and signals are pushed
 * to them through the hub (host.push reaches every instance), and each socket session shows what its customer
 * lacks (socket/session.ts). A customer with no socket open gets the messages from history on the next hello. A
 * push the hub cannot publish throws, so the worker delivers again; sessions drop what they already showed (by seq).
 */
export function pushTransport (host: Pick<ChannelHost<unknown>, 'push'>): ChannelTransport<WateringHoleAgentMessage> {
  const push = (customerId: string, payload: WidgetPush): Promise<void> => host.push(customerId, payload)
  return {
    async send (msg, { target }) {
      const { seq } = target
      // the hub sets it since plugin API 1.4 (this plugin's apiRange); without it no session could place the message
      if (seq === undefined) throw new Error(`agent message ${target.messageId} has no seq: the hub is older than plugin API 1.4`)
      await push(target.customerId, { type: 'entry', entry: agentEntry(msg, { ...target, seq }) })
      // the widget has no id of its own: the hub's is the message's id everywhere
      return { externalId: target.messageId }
    },
    async signal (event) {
      await push(event.customerId, { type: 'signal', signal: event })
    }
  }
}
