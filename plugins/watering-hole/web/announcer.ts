import { byId } from './dom.js'

/**
 * The one polite live region: what a screen reader says without the customer moving focus (new agent messages, the
 * idle countdown at its start and over its last 10 s, the end of the chat). The transcript itself is not live, so
 * nothing is said twice, and the typing indicator is never announced.
 */
export class Announcer {
  private readonly region = byId('wh-announce')
  private last = ''

  say (text: string): void {
    // the same words again would not be re-read by every reader: alternate a trailing no-break space
    const next = text === this.last.trimEnd() && !this.last.endsWith('\u00a0') ? `${text}\u00a0` : text
    this.last = next
    this.region.textContent = next
  }
}
