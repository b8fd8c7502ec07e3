import { request } from 'undici'
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
 * (shared by sandbox instances), and on a 401 one fresh token and one retry. Mounted on the hub's own app, the calls
 * go in process (SandboxHub.dispatcher); run alone (`byoc-hub sandbox`), over HTTP.
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
    const res = await this.postJson(this.hub.boxUrl().replace(/\/$/, '') + path, body, { authorization: `Bearer ${token}` })
    return { status: res.status, body: res.text ? safeJson(res.text) : undefined }
  }

  private async token (fresh: boolean): Promise<string> {
    if (!fresh) {
      const cached = await this.store.getDoc<CachedToken>(HUB_TOKEN, 'current')
      if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return cached.token
    }
    const res = await this.postJson(this.hub.tokenUrl(), { grant_type: 'client_credentials', client_id: this.hub.clientId, client_secret: this.hub.clientSecret })
    const body = safeJson(res.text) as { access_token?: unknown, expires_in?: unknown } | undefined
    if (res.status < 200 || res.status >= 300 || typeof body?.access_token !== 'string') throw new HubCallError(`hub token endpoint answered ${res.status}`, res.status, body ?? res.text)
    const ttlS = typeof body.expires_in === 'number' ? body.expires_in : 3600
    await this.store.putDoc(HUB_TOKEN, 'current', { token: body.access_token, expiresAt: Date.now() + ttlS * 1000 } satisfies CachedToken)
    return body.access_token
  }

  private async postJson (url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number, text: string }> {
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
        ...(this.hub.dispatcher !== undefined ? { dispatcher: this.hub.dispatcher } : {})
      })
      return { status: res.statusCode, text: await res.body.text() }
    } catch (err) {
      throw new HubCallError(`cannot reach the hub at ${url}: ${(err as Error).message}`)
    }
  }
}

function safeJson (text: string): unknown {
  try { return JSON.parse(text) } catch { return text }
}
