import type { DocumentsPort } from '../store/types.js'
import { PRESENCE_TTL_MS, type PresenceState } from '../plugin-api/types.js'

/** What the hub knows of a customer: `unknown` when their platform never reported presence (then only answers count). */
export type CustomerPresence = 'present' | 'away' | 'unknown'

interface ConnectionDoc { readonly connectionId: string, readonly state: PresenceState, readonly until: number }

/** Where a customer's connection documents live (the store's inbound step reads them too: IdleRule.inboundClock). */
export const presenceCollection = (channelId: string, customerId: string): string => `presence:${channelId}:${customerId}`

/**
 * Where a customer is, decided from every connection they have, on any instance. Each connection (a widget tab, a
 * socket) writes a document of its own in the shared store, so two tabs or a reconnect landing on another instance
 * never overwrite each other: the customer is present while any connection says so, away once all of them are
 * away or gone. A 'present' document expires unless repeated, so the tabs of an instance that died count as away.
 * A 'gone' document stays as the marker that this customer's platform reports presence, until the next report
 * prunes it.
 */
export class PresenceBook {
  constructor (private readonly store: DocumentsPort, private readonly now: () => number = Date.now) {}

  /** Records one connection's state; returns that connection's previous state (undefined when it is new). */
  async report (channelId: string, customerId: string, connectionId: string, state: PresenceState): Promise<PresenceState | undefined> {
    const collection = presenceCollection(channelId, customerId)
    const previous = await this.store.getDoc<ConnectionDoc>(collection, connectionId)
    const now = this.now()
    await this.store.putDoc(collection, connectionId, { connectionId, state, until: state === 'present' ? now + PRESENCE_TTL_MS : now })
    await this.prune(collection, connectionId, now)
    return previous?.state
  }

  async of (channelId: string, customerId: string): Promise<CustomerPresence> {
    const docs = await this.store.listDocs<ConnectionDoc>(presenceCollection(channelId, customerId))
    if (docs.length === 0) return 'unknown'
    const now = this.now()
    return docs.some(d => d.state === 'present' && d.until > now) ? 'present' : 'away'
  }

  /** Drops other connections that are gone or whose 'present' expired; keeps the store from growing per reconnect. */
  private async prune (collection: string, keep: string, now: number): Promise<void> {
    for (const doc of await this.store.listDocs<ConnectionDoc>(collection)) {
      if (doc.connectionId !== keep && (doc.state === 'gone' || (doc.state === 'present' && doc.until <= now))) {
        await this.store.deleteDoc(collection, doc.connectionId)
      }
    }
  }
}
