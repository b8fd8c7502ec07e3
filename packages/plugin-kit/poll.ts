/** Polls until `check` returns a truthy value or the deadline passes: no fixed sleeps. */
export async function eventually<T> (check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v) return v as T
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}

/** JSON over real HTTP (global fetch: the kit needs no HTTP client of its own). */
export async function jsonRequest (method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number, body: any }> { // intentional any: callers read arbitrary JSON
  const res = await fetch(url, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {})
  })
  const text = await res.text()
  let parsed: unknown = text
  try { parsed = text ? JSON.parse(text) : undefined } catch { /* not JSON: keep the text */ }
  return { status: res.status, body: parsed }
}

export const CODED_ERROR = /^BYOC_([A-Z0-9]+_)*ERR_[A-Z0-9_]+$/

/** The code of a `{ error: { code, message } }` body, if it is one. */
export function errorCode (body: unknown): string | undefined {
  const e = (body as { error?: { code?: unknown, message?: unknown } } | undefined)?.error
  return e && typeof e.code === 'string' && typeof e.message === 'string' ? e.code : undefined
}
