import { byId } from './dom.js'

/**
 * The polite live region for what has no visible region of its own to speak from: new agent messages and the idle
 * countdown (at its start and once in its last 10 s). The transcript itself is not live, so nothing is said twice;
 * the typing indicator is never announced; the end of a chat speaks from its own status banner.
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
