import { DfoError, type DfoErrorCode } from './dfo-types.js'

const THREAD_CLOSED = 'cannotAddMoreMessagesToPost'

interface EnvelopeEntry { message?: unknown, errorCode?: unknown, parameters?: { errorCode?: unknown } }

/** First DFO error code and message from `{ errors: [{ message, parameters?: { errorCode? }, errorCode? }] }`. */
export function readEnvelope (body: unknown): { dfoErrorCode?: string, message?: string, threadClosed: boolean } {
  const errors = (body as { errors?: unknown } | null)?.errors
  if (!Array.isArray(errors) || errors.length === 0) return { threadClosed: false }
  const entries = errors.filter((e): e is EnvelopeEntry => typeof e === 'object' && e !== null)
  const codeOf = (e: EnvelopeEntry): string | undefined => {
    const c = e.parameters?.errorCode ?? e.errorCode
    return typeof c === 'string' ? c : undefined
  }
  // the closed-thread marker may sit in any entry and, in older DFO builds, only in the message text
  const threadClosed = entries.some(e => codeOf(e) === THREAD_CLOSED ||
    (typeof e.message === 'string' && e.message.includes(THREAD_CLOSED)))
  const first = entries[0]
  const dfoErrorCode = threadClosed ? THREAD_CLOSED : (first !== undefined ? codeOf(first) : undefined)
  const message = typeof first?.message === 'string' ? first.message : undefined
  return { ...(dfoErrorCode !== undefined ? { dfoErrorCode } : {}), ...(message !== undefined ? { message } : {}), threadClosed }
}

function codeForStatus (status: number): DfoErrorCode {
  if (status === 401) return 'BYOC_ERR_CXONE_UNAUTHORIZED'
  if (status === 429) return 'BYOC_ERR_CXONE_RATE_LIMITED'
  if (status >= 500) return 'BYOC_ERR_CXONE_UNAVAILABLE'
  return 'BYOC_ERR_CXONE_REJECTED'
}

/** A non-2xx DFO answer as a DfoError; `what` names the call for the message (no ids or secrets). */
export function errorFromResponse (what: string, status: number, body: unknown, retryAfterMs?: number): DfoError {
  const env = readEnvelope(body)
  const code: DfoErrorCode = env.threadClosed && status < 500 ? 'BYOC_ERR_CXONE_THREAD_CLOSED' : codeForStatus(status)
  const detail = env.message !== undefined ? `: ${env.message.slice(0, 300)}` : ''
  return new DfoError(code, `CXone ${what} answered HTTP ${status}${detail}`, {
    status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(env.dfoErrorCode !== undefined ? { dfoErrorCode: env.dfoErrorCode } : {}),
    body
  })
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

/** A thrown transport error as TIMEOUT (our deadline, the caller's signal, undici timeouts) or NETWORK. */
export function errorFromThrown (what: string, err: unknown, attemptSignal: AbortSignal, callerSignal?: AbortSignal): DfoError {
  if (err instanceof DfoError) return err
  if (callerSignal?.aborted === true) {
    return new DfoError('BYOC_ERR_CXONE_TIMEOUT', `CXone ${what} aborted by the caller`, {}, { cause: err })
  }
  const e = err as { name?: string, code?: string, message?: string } | null
  if (attemptSignal.aborted || e?.name === 'TimeoutError' || (e?.code !== undefined && TIMEOUT_CODES.has(e.code))) {
    return new DfoError('BYOC_ERR_CXONE_TIMEOUT', `CXone ${what} timed out`, {}, { cause: err })
  }
  return new DfoError('BYOC_ERR_CXONE_NETWORK', `CXone ${what} failed: ${e?.code ?? e?.message ?? 'network error'}`, {}, { cause: err })
}

/** Label for the onCall/onFetch metric hooks. */
export function outcomeOf (err: DfoError): string {
  const s = err.details.status
  if (s === undefined) return err.code === 'BYOC_ERR_CXONE_TIMEOUT' ? 'timeout' : 'network'
  if (s === 429) return 'http_429'
  return s >= 500 ? 'http_5xx' : 'http_4xx'
}
