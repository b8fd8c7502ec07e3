import type { ContractHub } from './hub.js'
import { CONTRACT_CLIENT } from './hub.js'
import { eventually, jsonRequest } from './poll.js'

export interface SandboxThread { id: string, idOnExternalPlatform: string, customerId: string, status: 'open' | 'closed' }
export interface SandboxMessage { idOnExternalPlatform?: string, direction: 'inbound' | 'outbound', text: string }

/** The agent's side, played through the CXone emulator's console and, for what it lacks, DFO's own calls to the hub. */
export class ContractAgent {
  private token?: string
  constructor (private readonly hub: ContractHub, private readonly timeoutMs: number) {}

  private async ok (method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<any> { // intentional any: emulator JSON
    // the console API needs the console's login token, as the agent's browser presents it in a cookie
    const auth: Record<string, string> = url.startsWith(this.hub.consoleApi) ? { authorization: `Bearer ${this.hub.consoleToken}` } : {}
    const res = await jsonRequest(method, url, body, { ...auth, ...headers })
    if (res.status >= 300) throw new Error(`${method} ${url} answered ${res.status}: ${JSON.stringify(res.body)}`)
    return res.body
  }

  async threads (customerId: string): Promise<SandboxThread[]> {
    const all = await this.ok('GET', `${this.hub.consoleApi}/threads`) as SandboxThread[]
    return all.filter(th => th.customerId === customerId)
  }

  async messages (threadId: string): Promise<SandboxMessage[]> {
    return (await this.ok('GET', `${this.hub.consoleApi}/threads/${encodeURIComponent(threadId)}`)).messages as SandboxMessage[]
  }

  /** Every customer message CXone holds for this customer, across threads. */
  async inbound (customerId: string): Promise<Array<SandboxMessage & { thread: SandboxThread }>> {
    const out: Array<SandboxMessage & { thread: SandboxThread }> = []
    for (const thread of await this.threads(customerId)) {
      for (const m of await this.messages(thread.id)) if (m.direction === 'inbound') out.push({ ...m, thread })
    }
    return out
  }

  async waitForInbound (customerId: string, text: string): Promise<SandboxMessage & { thread: SandboxThread }> {
    return eventually(async () => (await this.inbound(customerId)).find(m => m.text === text), this.timeoutMs, `"${text}" from ${customerId} to reach CXone`)
  }

  reply (thread: SandboxThread, text: string): Promise<unknown> { return this.ok('POST', `${this.hub.consoleApi}/threads/${encodeURIComponent(thread.id)}/reply`, { text }) }
  typing (thread: SandboxThread, on: boolean): Promise<unknown> { return this.ok('POST', `${this.hub.consoleApi}/threads/${encodeURIComponent(thread.id)}/typing`, { action: on ? 'isTypingOn' : 'isTypingOff' }) }
  end (thread: SandboxThread): Promise<unknown> { return this.ok('POST', `${this.hub.consoleApi}/threads/${encodeURIComponent(thread.id)}/end`) }

  /** An agent message with what the console cannot type (attachments, very long text), posted as CXone posts it (M3). */
  async outbound (thread: SandboxThread, text: string, attachments: Array<{ friendlyName: string, url: string, mimeType?: string }> = []): Promise<unknown> {
    this.token ??= (await this.ok('POST', `${this.hub.box}/1.0/token`, { grant_type: 'client_credentials', client_id: CONTRACT_CLIENT.clientId, client_secret: CONTRACT_CLIENT.clientSecret })).access_token as string
    return this.ok('POST', `${this.hub.box}/2.0/channel/${encodeURIComponent(this.hub.cxoneChannelId)}/outbound`, {
      thread: { idOnExternalPlatform: thread.idOnExternalPlatform },
      messageContent: { type: 'TEXT', payload: { text } },
      endUserRecipients: [{ idOnExternalPlatform: thread.customerId }],
      ...(attachments.length > 0 ? { attachments } : {})
    }, { authorization: `Bearer ${this.token}` })
  }
}
