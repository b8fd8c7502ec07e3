import { randomUUID } from 'node:crypto'
import type { ChannelHost, PresenceState } from '@byoc-hub/plugin-api'
import type { ClientFrame } from '../schemas.js'

type PresenceFrame = Extract<ClientFrame, { type: 'presence' }>

/** The hub forgets a 'present' after PRESENCE_TTL_MS (60 s) unless told again: well inside that. */
const REFRESH_MS = 20_000

const STATE_OF: Record<PresenceFrame['state'], PresenceState> = { open: 'present', closed: 'away', hidden: 'away', unload: 'gone' }

/**
 * One socket's presence, reported to the hub under an id of its own: the hub decides from all of a customer's
 * connections (tabs, reconnects on other instances) whether they are looking, never from this one alone.
 */
export class SocketPresence {
  private readonly connectionId = randomUUID()
  private state: PresenceState | undefined
  private refresh: NodeJS.Timeout | undefined

  constructor (private readonly host: Pick<ChannelHost<unknown>, 'presence'>, private readonly customerId: () => string | undefined) {}

  async report (frame: PresenceFrame): Promise<void> {
    this.state = STATE_OF[frame.state]
    clearInterval(this.refresh)
    if (this.state === 'present') {
      this.refresh = setInterval(() => { void this.send('present').catch(() => {}) }, REFRESH_MS)
      this.refresh.unref()
    }
    await this.send(this.state)
  }

  /** The socket closed: a dropped connection counts as away, whatever it said last. */
  async gone (): Promise<void> {
    clearInterval(this.refresh)
    if (this.state === 'gone') return
    this.state = 'gone'
    await this.send('gone')
  }

  private async send (state: PresenceState): Promise<void> {
    const customerId = this.customerId()
    if (customerId !== undefined) await this.host.presence?.({ customerId, connectionId: this.connectionId, state })
  }
}
