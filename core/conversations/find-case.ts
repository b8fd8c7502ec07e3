import type { CallOptions, ContactStatus, DfoClient } from '../cxone/dfo-types.js'

const LIVE_STATUSES: readonly ContactStatus[] = ['new', 'open', 'pending', 'escalated']
/** a customer rarely has more live cases than this on one channel; past it we give up rather than page forever */
const MAX_PAGES = 4

/**
 * The live case (contact number) of a thread the hub holds no contact id for: a thread an agent opened (M3 answers
 * carry no case), or a create-message answer without `consumerContact`. One contacts search by customer, newest
 * first, matched on the thread's id; undefined when CXone has no live case for it (nothing to close).
 */
export async function findLiveCase (dfo: DfoClient, cxoneChannelId: string, customerId: string, threadId: string, opts: CallOptions): Promise<string | undefined> {
  let scrollToken: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const found = await dfo.searchContacts({
      channelIds: [cxoneChannelId], endUserIds: [customerId], statuses: LIVE_STATUSES, sorting: 'createdAt', sortingType: 'desc',
      ...(scrollToken ? { scrollToken } : {})
    }, opts)
    const match = found.contacts.find(c => c.threadIdOnExternalPlatform === threadId)
    if (match) return match.id
    if (!found.scrollToken) return undefined
    scrollToken = found.scrollToken
  }
  return undefined
}
