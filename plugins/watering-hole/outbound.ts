import { ChannelUnsupportedError, type OutboundTranslator } from '@byoc-hub/plugin-api'

/** Longest message a customer may type. Agent messages are shown whole: the widget has no limit of its own. */
export const MAX_TEXT_LENGTH = 4000

/** An agent message in the widget's terms. */
export interface WateringHoleAgentMessage {
  readonly text: string
  readonly attachments: ReadonlyArray<{ readonly friendlyName: string, readonly url: string, readonly mimeType?: string }>
  readonly authorName?: string
  /** epoch ms, from CXone's timestamp */
  readonly createdAt: number
}

function authorName (user: { firstName?: string, lastName?: string, nickname?: string } | undefined): string | undefined {
  if (user === undefined) return undefined
  const full = [user.firstName, user.lastName].filter(p => typeof p === 'string' && p.trim() !== '').join(' ')
  return full !== '' ? full : (user.nickname?.trim() || undefined)
}

export const outbound: OutboundTranslator<WateringHoleAgentMessage> = {
  fromCxone (msg) {
    const content = msg.messageContent
    // The widget renders plain text only (richMessages: []); rich content survives only through its fallback text.
    const text = content.type.toUpperCase() === 'TEXT' ? content.payload.text : content.fallbackText
    if (typeof text !== 'string') throw new ChannelUnsupportedError(`message type ${content.type} has no text the widget can show`)
    const createdAt = Date.parse(msg.createdAtWithMilliseconds)
    if (Number.isNaN(createdAt)) throw new ChannelUnsupportedError(`invalid createdAtWithMilliseconds '${msg.createdAtWithMilliseconds}'`)
    const name = authorName(msg.authorUser)
    return {
      text,
      attachments: msg.attachments.map(a => ({ friendlyName: a.friendlyName, url: a.url, ...(a.mimeType !== undefined ? { mimeType: a.mimeType } : {}) })),
      ...(name !== undefined ? { authorName: name } : {}),
      createdAt
    }
  }
}
