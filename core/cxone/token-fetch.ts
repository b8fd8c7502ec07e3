import { request, type Dispatcher } from 'undici'
import type { FastifyBaseLogger } from 'fastify'
import { DfoError } from './dfo-types.js'
import { errorFromThrown } from './dfo-error-parse.js'
import { parseRetryAfter } from '../delivery/http-retry.js'
import { resolveUrl, type UrlSource } from './endpoints.js'

/** A CXone access token as cached in memory and in the shared `cxone-token/current` doc. */
export interface CachedToken {
  readonly accessToken: string
  readonly tokenType: string
  /** epoch ms */
  readonly expiresAt: number
  /** epoch ms when the request that produced it started */
  readonly obtainedAt: number
}

export interface TokenFetchOptions {
  /** the token URL, or a source awaited per fetch (region discovery) */
  readonly authUrl: UrlSource
  readonly accessKeyId: string
  readonly accessKeySecret: string
  readonly clientId?: string
  readonly clientSecret?: string
  readonly timeoutMs: number
  readonly log?: FastifyBaseLogger
  readonly onFetch?: (outcome: 'ok' | 'error', durationMs: number) => void
  readonly dispatcher?: Dispatcher
}

/** One access-key grant against the CXone token endpoint (§3.1). Logs statuses and timings, never credentials. */
export async function fetchToken (opts: TokenFetchOptions): Promise<CachedToken> {
  // a failed discovery is its own error (BYOC_ERR_CXONE_DISCOVERY), not a failed token request
  const authUrl = await resolveUrl(opts.authUrl)
  const started = Date.now()
  const signal = AbortSignal.timeout(opts.timeoutMs)
  try {
    const token = await grant(opts, authUrl, started, signal)
    const ms = Date.now() - started
    opts.onFetch?.('ok', ms)
    opts.log?.info({ durationMs: ms, expiresInS: Math.round((token.expiresAt - started) / 1000) }, 'CXone access token obtained')
    return token
  } catch (err) {
    const ms = Date.now() - started
    opts.onFetch?.('error', ms)
    const e = errorFromThrown('token request', err, signal)
    opts.log?.warn({ durationMs: ms, code: e.code, status: e.details.status }, 'CXone access token request failed')
    throw e
  }
}

async function grant (opts: TokenFetchOptions, authUrl: string, started: number, signal: AbortSignal): Promise<CachedToken> {
  const form = new URLSearchParams({ grant_type: 'password', username: opts.accessKeyId, password: opts.accessKeySecret })
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json'
  }
  if (opts.clientId !== undefined && opts.clientSecret !== undefined) {
    headers.authorization = 'Basic ' + Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64')
  } else if (opts.clientId !== undefined) {
    form.set('client_id', opts.clientId) // public client: some tenants take the id in the form body
  }
  const res = await request(authUrl, {
    method: 'POST',
    headers,
    body: form.toString(),
    signal,
    ...(opts.dispatcher !== undefined ? { dispatcher: opts.dispatcher } : {})
  })
  const text = await res.body.text()
  let body: Record<string, unknown> | undefined
  try { body = JSON.parse(text) as Record<string, unknown> } catch { body = undefined }
  if (res.statusCode < 200 || res.statusCode >= 300) throw tokenError(res.statusCode, body, res.headers['retry-after'])
  const accessToken = body?.access_token
  const expiresIn = Number(body?.expires_in ?? 3600)
  if (typeof accessToken !== 'string' || accessToken === '' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw new DfoError('BYOC_ERR_CXONE_UNAVAILABLE', 'CXone token endpoint answered without a usable access_token', { status: res.statusCode })
  }
  const tokenType = typeof body?.token_type === 'string' ? body.token_type : 'Bearer'
  return { accessToken, tokenType, expiresAt: started + expiresIn * 1000, obtainedAt: started }
}

// The OAuth error body is reduced to its `error` code: descriptions may echo the submitted form.
function tokenError (status: number, body: Record<string, unknown> | undefined, retryAfter: string | string[] | undefined): DfoError {
  const oauthError = typeof body?.error === 'string' ? body.error.slice(0, 100) : undefined
  const msg = `CXone token endpoint answered HTTP ${status}${oauthError !== undefined ? ` (${oauthError})` : ''}`
  const retryAfterMs = parseRetryAfter(retryAfter)
  const details = { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), ...(oauthError !== undefined ? { dfoErrorCode: oauthError } : {}) }
  if (status === 400 || status === 401 || status === 403) return new DfoError('BYOC_ERR_CXONE_UNAUTHORIZED', msg, details)
  if (status === 429) return new DfoError('BYOC_ERR_CXONE_RATE_LIMITED', msg, details)
  if (status >= 500) return new DfoError('BYOC_ERR_CXONE_UNAVAILABLE', msg, details)
  return new DfoError('BYOC_ERR_CXONE_REJECTED', msg, details)
}
