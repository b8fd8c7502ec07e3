import type { DocumentsPort } from '../store/types.js'
import { FINAL_CONTACT_STATUSES, type DfoClient, type DfoContact } from '../cxone/dfo-types.js'

const DOC = { collection: 'cxone:case-feed', id: 'ended' } as const
/**
 * How far back each look re-reads: a search index may show a status change a little late, so cases changed in
 * the last SETTLE_MS are read again (those already handled are skipped by id and change time).
 */
export const SETTLE_MS = 30_000
/** a safety bound on one look (25 cases a page in the sandbox: 5,000 cases); reaching it is logged */
export const MAX_PAGES = 200

interface Watermark {
  /** newest statusUpdatedAt seen (ms) */
  at: number
  /** `${id}@${statusUpdatedAt}` of the cases handled within SETTLE_MS of `at` */
  handled: string[]
}

const changeOf = (c: DfoContact): number => c.statusUpdatedAt === undefined ? Number.NaN : Date.parse(c.statusUpdatedAt)
const keyOf = (c: DfoContact): string => `${c.id}@${c.statusUpdatedAt ?? ''}`

/**
 * The cases (DFO contacts) that ended since the last look, found by one filtered search (C19): the channels'
 * cases in status closed/resolved/trashed, newest status change first, paged until one older than the watermark.
 * Its cost follows how many cases ended, not how many conversations are open. The watermark lives in the store,
 * so whichever instance holds the poller's lease continues where the last one stopped.
 */
export class EndedCaseFeed {
  private readonly doc: { collection: string, id: string }
  /** `tenant`: each tenant's CXone has its own watermark (the tenant `default` keeps the plain key) */
  constructor (private readonly store: DocumentsPort, private readonly dfo: DfoClient, tenant?: string) {
    this.doc = tenant === undefined || tenant === 'default' ? DOC : { ...DOC, id: `${DOC.id}:${tenant}` }
  }

  /**
   * Cases that ended since the watermark, oldest first. `startAt` gives the first watermark (no close before it
   * can matter). Call `commit` with the returned mark once they are handled: a crash before that reads them again.
   */
  async read (channelIds: string[], startAt: () => Promise<number>, onCapped?: () => void): Promise<{ cases: DfoContact[], mark: Watermark }> {
    const previous = await this.store.getDoc<Watermark>(this.doc.collection, this.doc.id) ?? { at: await startAt(), handled: [] }
    const handled = new Set(previous.handled)
    const stopBefore = previous.at - SETTLE_MS
    const found: DfoContact[] = []
    let newest = previous.at
    let scrollToken: string | undefined
    let pages = 0
    for (let done = false; !done;) {
      const page = await this.dfo.searchContacts({
        channelIds, statuses: FINAL_CONTACT_STATUSES, sorting: 'statusUpdatedAt', sortingType: 'desc', ...(scrollToken !== undefined ? { scrollToken } : {})
      }, { attempts: 1 })
      pages++
      for (const c of page.contacts) {
        const at = changeOf(c)
        if (at < stopBefore) { done = true; break }
        if (!Number.isNaN(at)) newest = Math.max(newest, at)
        if (!handled.has(keyOf(c))) found.push(c)
      }
      scrollToken = page.scrollToken
      if (scrollToken === undefined) done = true
      if (!done && pages >= MAX_PAGES) { onCapped?.(); done = true }
    }
    const keep = [...previous.handled.filter(k => Date.parse(k.slice(k.indexOf('@') + 1)) >= newest - SETTLE_MS), ...found.map(keyOf)]
    return { cases: found.reverse(), mark: { at: newest, handled: [...new Set(keep)] } }
  }

  commit (mark: Watermark): Promise<void> {
    return this.store.putDoc(this.doc.collection, this.doc.id, mark)
  }
}
