import type { DocumentsPort } from '../store/types.js'
import type { SandboxHub } from './options.js'

const HUB_TOKEN = 'sandbox:hub-token'
const CALL_TIMEOUT_MS = 10_000
/** refresh a little early so a token does not expire in flight */
const EXPIRY_MARGIN_MS = 5_000

export class HubCallError extends Error {
  constructor (message: string, readonly status?: number, readonly body?: unknown) { super(message) }
}

interface CachedToken { token: string, expiresAt: number }

/**
 * Calls the hub as CXone does: a client_credentials token from the hub's Authorization URL, cached in the store
 * (shared by sandbox instances), and on a 401 one fresh token and one retry.
 */
export class HubClient {
  constructor (private readonly store: DocumentsPort, private readonly hub: SandboxHub) {}

  async post (path: string, body: unknown): Promise<{ status: number, body: unknown }> {
    let token = await this.token(false)
    let res = await this.send(path, body, token)
    if (res.status === 401) {
      token = await this.token(true)
      res = await this.send(path, body, token)
    }
    if (res.status < 200 || res.status >= 300) throw new HubCallError(`hub answered ${res.status} to POST ${path}`, res.status, res.body)
    return res
  }

  private async send (path: string, body: unknown, token: string): Promise<{ status: number, body: unknown }> {
    const res = await this.fetch(this.hub.boxUrl().replace(/\/$/, '') + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body)
    })
    const text = await res.text()
    return { status: res.status, body: text ? safeJson(text) : undefined }
  }

  private async token (fresh: boolean): Promise<string> {
    if (!fresh) {
      const cached = await this.store.getDoc<CachedToken>(HUB_TOKEN, 'current')
      if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return cached.token
    }
    const res = await this.fetch(this.hub.tokenUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: this.hub.clientId, client_secret: this.hub.clientSecret })
    })
    const text = await res.text()
    const body = safeJson(text) as { access_token?: unknown, expires_in?: unknown } | undefined
    if (!res.ok || typeof body?.access_token !== 'string') throw new HubCallError(`hub token endpoint answered ${res.status}`, res.status, body ?? text)
    const ttlS = typeof body.expires_in === 'number' ? body.expires_in : 3600
    await this.store.putDoc(HUB_TOKEN, 'current', { token: body.access_token, expiresAt: Date.now() + ttlS * 1000 } satisfies CachedToken)
    return body.access_token
  }

  private async fetch (url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) })
    } catch (err) {
      throw new HubCallError(`cannot reach the hub at ${url}: ${(err as Error).message}`)
    }
  }
}

function safeJson (text: string): unknown {
  try { return JSON.parse(text) } catch { return text }
}
