import type { ByocConfig } from '../../config/schema.js'
import type { ChannelRuntime } from '../channels/runtime.js'
import type { NewDfoChannel } from './dfo-types.js'

/** The DFO channel (C2) a configured hub channel becomes, with the flags its capabilities allow. */
export function dfoChannelFor (channel: Pick<ChannelRuntime, 'id' | 'name' | 'cxoneChannelId' | 'capabilities'>, config: ByocConfig): NewDfoChannel {
  return {
    id: channel.cxoneChannelId,
    idOnExternalPlatform: channel.cxoneChannelId,
    channelIntegrationId: config.cxone.channelIntegrationId ?? 'byoc-hub',
    realExternalPlatformId: 'custom',
    name: channel.name,
    isPrivate: true,
    hasTreeStructure: false,
    hasReply: true,
    hasOutboundFlow: true,
    hasManualOutboundFlow: true,
    hasAbilityToSendFiles: channel.capabilities.attachments,
    isLiveChat: true,
    contentFormat: 'plain'
  }
}
