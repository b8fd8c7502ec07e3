import { request, type Dispatcher } from 'undici'
import type { FastifyBaseLogger } from 'fastify'
import { DfoError, type CallOptions, type CxoneTokenSource } from './dfo-types.js'
import { errorFromResponse, errorFromThrown, outcomeOf } from './dfo-error-parse.js'
import { backoffDelay, parseRetryAfter, sleep, withTimeout } from '../delivery/http-retry.js'
import { resolveUrl, type UrlSource } from './endpoints.js'

export interface DfoRequestOptions {
  readonly apiBaseUrl: UrlSource
  readonly tokens: CxoneTokenSource
  readonly timeoutMs: number
  readonly retryBaseMs: number
  readonly retryMaxMs: number
  readonly defaultAttempts: number
  readonly dispatcher: Dispatcher
  readonly log?: FastifyBaseLogger
  readonly onCall?: (operation: string, durationMs: number, outcome: string) => void
}

export type DfoCallOptions = CallOptions & { readonly accessToken?: string, readonly apiBaseUrl?: string }

export interface DfoCall {
  /** metric/log label, e.g. 'createMessage' */
  readonly operation: string
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** below /dfo/3.0, path segments already encoded */
  readonly path: string
  readonly query?: string
  readonly body?: unknown
  /** 'none' for the one-time-token verification, which authenticates by its body */
  readonly auth: 'bearer' | 'none'
  readonly opts?: DfoCallOptions
}

interface Answer { readonly status: number, readonly body: unknown, readonly retryAfterMs?: number }

/**
 * The one place a DFO call is made: bearer token (one fresh token on 401), per-attempt timeout, retries with
 * backoff and full jitter on network errors, timeouts, 5xx and 429 (Retry-After honoured), never on other 4xx.
 */
export function createDfoRequester (o: DfoRequestOptions): (call: DfoCall) => Promise<unknown> {
  async function send (c: DfoCall, base: string, token: string | undefined): Promise<Answer> {
    const url = `${base}/dfo/3.0${c.path}${c.query !== undefined && c.query !== '' ? `?${c.query}` : ''}`
    const headers: Record<string, string> = { accept: 'application/json' }
    if (token !== undefined) headers.authorization = `Bearer ${token}`
    if (c.body !== undefined) headers['content-type'] = 'application/json'
    if (c.opts?.requestId !== undefined) headers['x-request-id'] = c.opts.requestId
    const signal = withTimeout(o.timeoutMs, c.opts?.signal)
    const started = Date.now()
    try {
      const res = await request(url, {
        method: c.method,
        headers,
        ...(c.body !== undefined ? { body: JSON.stringify(c.body) } : {}),
        signal,
        dispatcher: o.dispatcher
      })
      const text = await res.body.text()
      const status = res.statusCode
      o.onCall?.(c.operation, Date.now() - started, status < 300 ? 'ok' : status === 429 ? 'http_429' : status >= 500 ? 'http_5xx' : 'http_4xx')
      const retryAfterMs = parseRetryAfter(res.headers['retry-after'])
      return { status, body: parseBody(text), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) }
    } catch (err) {
      const e = errorFromThrown(c.operation, err, signal, c.opts?.signal)
      o.onCall?.(c.operation, Date.now() - started, outcomeOf(e))
      throw e
    }
  }

  async function tokenFor (c: DfoCall, rejected?: string): Promise<string | undefined> {
    if (c.auth === 'none') return undefined
    if (c.opts?.accessToken !== undefined) return c.opts.accessToken
    const signal = c.opts?.signal
    try {
      return rejected === undefined
        ? await o.tokens.get(signal !== undefined ? { signal } : undefined)
        : await o.tokens.refresh(rejected, signal !== undefined ? { signal } : undefined)
    } catch (err) {
      throw err instanceof DfoError ? err : errorFromThrown('token', err, signal ?? new AbortController().signal, signal)
    }
  }

  async function attempt (c: DfoCall, base: string): Promise<unknown> {
    const token = await tokenFor(c)
    let answer = await send(c, base, token)
    // a per-admin token (opts.accessToken) cannot be refreshed here; the hub's own token can, once
    if (answer.status === 401 && token !== undefined && c.opts?.accessToken === undefined) {
      o.log?.warn({ operation: c.operation }, 'CXone rejected the access token; fetching a fresh one')
      answer = await send(c, base, await tokenFor(c, token))
    }
    if (answer.status >= 200 && answer.status < 300) return answer.body
    throw errorFromResponse(c.operation, answer.status, answer.body, answer.retryAfterMs)
  }

  return async function call (c: DfoCall): Promise<unknown> {
    // found before the retry loop: a failed discovery answers at once (it has its own back-off), uncounted by onCall
    const base = (c.opts?.apiBaseUrl ?? await resolveUrl(o.apiBaseUrl)).replace(/\/+$/, '')
    const attempts = Math.max(1, Math.floor(c.opts?.attempts ?? o.defaultAttempts))
    for (let n = 1; ; n++) {
      try {
        return await attempt(c, base)
      } catch (err) {
        const e = err as DfoError
        if (!e.retryable || n >= attempts || c.opts?.signal?.aborted === true) throw e
        const delay = Math.min(e.details.retryAfterMs ?? backoffDelay(n, o.retryBaseMs, o.retryMaxMs), o.retryMaxMs)
        o.log?.debug({ operation: c.operation, code: e.code, status: e.details.status, attempt: n, delayMs: delay }, 'retrying CXone call')
        try {
          await sleep(delay, c.opts?.signal)
        } catch (reason) {
          throw new DfoError('BYOC_ERR_CXONE_TIMEOUT', `CXone ${c.operation} aborted by the caller`, e.details, { cause: reason })
        }
      }
    }
  }
}

function parseBody (text: string): unknown {
  if (text === '') return undefined
  try { return JSON.parse(text) } catch { return text }
}
