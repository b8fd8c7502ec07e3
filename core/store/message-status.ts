import type { MessageStatus } from './types.js'

const RANK: Record<MessageStatus, number> = { accepted: 0, sent: 1, delivered: 2, seen: 3, failed: 1 }

/** Status only moves forward, so a late "delivered" cannot undo "seen" (receipts arrive out of order). */
export function nextStatus (current: MessageStatus, proposed: MessageStatus): MessageStatus {
  if (proposed === 'failed') return current === 'seen' || current === 'delivered' ? current : 'failed'
  if (current === 'failed') return proposed === 'delivered' || proposed === 'seen' ? proposed : current
  return RANK[proposed] > RANK[current] ? proposed : current
}
