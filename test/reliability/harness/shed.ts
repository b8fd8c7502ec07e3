/**
 * The hub's pressure guard answers 503 BYOC_ERR_OVERLOADED with Retry-After before it reads a request: a verdict on
 * the box's load (a test process whose own work shares the hub's event loop), never on the request. Tests that
 * assert what the hub answers to an input send it again after the Retry-After, as CXone and platforms do.
 */
export const isShed = (status: number, body: unknown): boolean =>
  status === 503 && (body as { error?: { code?: unknown } } | undefined)?.error?.code === 'BYOC_ERR_OVERLOADED'

/** `send` until an answer that is not the guard's (at most `tries` sends), waiting `retryAfterMs` between; `onShed` counts them. */
export async function sendPastShedding<R extends { status: number, body: unknown }> (send: () => Promise<R>, onShed: () => void, tries = 30, retryAfterMs = 1000): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    const res = await send()
    if (!isShed(res.status, res.body) || attempt >= tries) return res
    onShed()
    await new Promise(resolve => setTimeout(resolve, retryAfterMs))
  }
}
