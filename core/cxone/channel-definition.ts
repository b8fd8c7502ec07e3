import type { ByocConfig } from '../../config/schema.js'
import type { ChannelRuntime } from '../channels/runtime.js'
import type { NewDfoChannel } from './dfo-types.js'
import { hubError } from '../errors.js'

/** The emulator's own BYOC integration (core/sandbox/dfo-channels.ts seeds its channels under it). */
const SANDBOX_INTEGRATION_ID = 'sandbox'

/**
 * The Integration ID channels are created under (C2 requires it). CXone gives it when the BYOC integration is saved;
 * the hub cannot guess it, so creating a channel without it is refused, naming the key. In sandbox mode the emulator
 * is the tenant, and its integration is the one to use. `cxone`: the channel's tenant's block (config/tenants.ts).
 */
export function channelIntegrationId (cxone: Pick<ByocConfig['cxone'], 'mode' | 'channelIntegrationId'>): string {
  const configured = cxone.channelIntegrationId
  if (configured) return configured
  if (cxone.mode === 'sandbox') return SANDBOX_INTEGRATION_ID
  throw hubError('CHANNEL_INTEGRATION_ID_MISSING')
}

/** The DFO channel (C2) a configured hub channel becomes, with the flags its capabilities allow. */
export function dfoChannelFor (channel: Pick<ChannelRuntime, 'id' | 'name' | 'cxoneChannelId' | 'capabilities'>, cxone: Pick<ByocConfig['cxone'], 'mode' | 'channelIntegrationId'>): NewDfoChannel {
  return {
    id: channel.cxoneChannelId,
    idOnExternalPlatform: channel.cxoneChannelId,
    channelIntegrationId: channelIntegrationId(cxone),
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
