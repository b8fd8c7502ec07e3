import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'
import { Dispatcher, errors } from 'undici'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'

/**
 * The origin of URLs only an InjectDispatcher routes (the hub's own sandbox, and the hub as that sandbox calls it):
 * `.invalid` never resolves (RFC 6761), so a call that missed the dispatcher fails at once instead of going anywhere.
 */
export const IN_PROCESS_ORIGIN = 'http://hub.invalid'

/** What the dispatcher needs of a Fastify app: its `inject` (light-my-request). */
export type Inject = (opts: InjectOptions) => Promise<LightMyRequestResponse>

export interface InjectDispatcherOptions {
  /**
   * The Host header the app sees, read per request (default: the request URL's host). The hub passes its own
   * listening address, so links the sandbox builds from the Host (attachment URLs, the token's issuer) are the
   * ones a browser can open, exactly as when the hub called itself over loopback.
   */
  readonly host?: () => string
}

type Handler = Dispatcher.DispatchHandler
type Controller = Dispatcher.DispatchController
/** undici's own defaults for a request that sets neither */
const DEFAULT_TIMEOUT_MS = 300_000

/**
 * An undici Dispatcher that answers through Fastify's inject instead of a socket: the sandbox, mounted on the hub's
 * own app, is reached in process. `request`, `fetch` and anything else built on undici see what they would see over
 * HTTP: status, headers, a streamed body that honours pause/resume, trailers, the caller's AbortSignal, undici's
 * headers and body timeouts, and errors through the handler (FormData bodies excepted: nothing here sends them).
 * Handlers of either undici API are served: undici 7's onRequestStart/onResponse* natively, the legacy
 * onConnect/onHeaders/onData (which `request` and `fetch` still use) through legacyAdapter, as undici's WrapHandler.
 */
export class InjectDispatcher extends Dispatcher {
  readonly #inject: Inject
  readonly #host: (() => string) | undefined
  readonly #running = new Set<(reason: Error) => void>()
  #closed = false

  constructor (inject: Inject, opts: InjectDispatcherOptions = {}) {
    super()
    this.#inject = inject
    this.#host = opts.host
  }

  override dispatch (options: Dispatcher.DispatchOptions, handler: Handler): boolean {
    const h = handler.onRequestStart !== undefined ? handler : legacyAdapter(handler)
    if (this.#closed) {
      h.onResponseError?.(idleController(), new errors.ClientClosedError())
      return false
    }
    this.#run(options, h)
    return true
  }

  override close (): Promise<void>
  override close (callback: () => void): void
  override close (callback?: () => void): Promise<void> | void {
    // nothing is pooled: closing only refuses new requests; those running finish on their own
    this.#closed = true
    if (callback === undefined) return Promise.resolve()
    queueMicrotask(callback)
  }

  override destroy (err: Error | null, callback: () => void): void
  override destroy (callback: () => void): void
  override destroy (err: Error | null): Promise<void>
  override destroy (): Promise<void>
  override destroy (a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    const callback = typeof a === 'function' ? a : b
    const reason = a instanceof Error ? a : new errors.ClientDestroyedError()
    this.#closed = true
    for (const abort of [...this.#running]) abort(reason)
    if (callback === undefined) return Promise.resolve()
    queueMicrotask(callback)
  }

  #run (o: Dispatcher.DispatchOptions, h: Handler): void {
    let body: Readable | undefined
    let done = false
    let timer: NodeJS.Timeout | undefined
    // not unref'd: like the socket of a call over HTTP, a call in flight keeps the process alive
    const arm = (ms: number | null | undefined, error: () => Error): void => {
      clearTimeout(timer)
      const limit = ms ?? DEFAULT_TIMEOUT_MS
      if (limit > 0) timer = setTimeout(() => fail(error()), limit)
    }
    const settle = (): boolean => {
      if (done) return false
      done = true
      clearTimeout(timer)
      this.#running.delete(fail)
      return true
    }
    // The app is not interrupted when the caller gives up (nothing in the hub or the sandbox watches request.signal,
    // and light-my-request's own signal option destroys streams nobody listens to yet): its answer is dropped.
    const fail = (err: Error): void => {
      if (!settle()) return
      body?.destroy()
      h.onResponseError?.(controller, err)
    }
    const bodyTimeout = (): void => { arm(o.bodyTimeout, () => new errors.BodyTimeoutError()) }
    // a paused body is the caller's doing: its inactivity does not count against bodyTimeout
    const flow = (): void => {
      if (done || body === undefined) return
      if (controller.paused) { clearTimeout(timer); body.pause(); return }
      bodyTimeout()
      body.resume()
    }
    const controller = new InjectController(fail, flow)
    this.#running.add(fail)

    h.onRequestStart?.(controller, {})
    if (done) return // aborted at once: the caller's signal had already fired
    arm(o.headersTimeout, () => new errors.HeadersTimeoutError())

    const answer = async (): Promise<void> => {
      const res = await this.#inject({
        method: o.method as InjectOptions['method'],
        url: pathOf(o),
        ...await requestOf(o, this.#hostOf(o)),
        payloadAsStream: true
      })
      const stream = res.stream().on('error', fail).pause()
      if (done) { stream.destroy(); return } // aborted or timed out while the app was answering
      body = stream
      clearTimeout(timer)
      h.onResponseStart?.(controller, res.statusCode, incoming(res.headers), res.statusMessage)
      stream.on('data', (chunk: Buffer) => {
        h.onResponseData?.(controller, chunk)
        flow()
      })
      stream.once('end', () => { if (settle()) h.onResponseEnd?.(controller, res.trailers as IncomingHttpHeaders) })
      flow()
    }
    answer().catch((err: unknown) => fail(err instanceof Error ? err : new Error(String(err))))
  }

  #hostOf (o: Dispatcher.DispatchOptions): string {
    if (this.#host !== undefined) return this.#host()
    if (o.origin === undefined) throw new errors.InvalidArgumentError('an origin is required')
    return new URL(o.origin).host
  }
}

class InjectController implements Controller {
  #aborted = false
  #paused = false
  #reason: Error | null = null

  constructor (private readonly onAbort: (reason: Error) => void, private readonly onResume: () => void) {}

  get aborted (): boolean { return this.#aborted }
  get paused (): boolean { return this.#paused }
  get reason (): Error | null { return this.#reason }

  abort (reason: Error): void {
    if (this.#aborted) return
    this.#aborted = true
    this.#reason = reason
    this.onAbort(reason)
  }

  pause (): void { this.#paused = true }

  resume (): void {
    if (!this.#paused) return
    this.#paused = false
    this.onResume()
  }
}

const idleController = (): Controller => new InjectController(() => undefined, () => undefined)

/** A legacy handler (onConnect/onHeaders/onData/onComplete/onError) driven through the new API, as undici's WrapHandler. */
function legacyAdapter (h: Handler): Handler {
  return {
    onRequestStart: (c) => { h.onConnect?.((reason) => c.abort(reason ?? new errors.RequestAbortedError())) },
    onResponseStart: (c, status, headers, message) => {
      h.onResponseStarted?.()
      if (h.onHeaders?.(status, raw(headers), () => c.resume(), message ?? '') === false) c.pause()
    },
    onResponseData: (c, chunk) => { if (h.onData?.(chunk) === false) c.pause() },
    onResponseEnd: (_c, trailers) => { h.onComplete?.(raw(trailers).map(String)) },
    onResponseError: (_c, err) => {
      if (h.onError === undefined) throw err
      h.onError(err)
    }
  }
}

/** Headers as undici's legacy handlers take them: name, value, name, value… (a repeated header repeats its name). */
function raw (headers: IncomingHttpHeaders): Buffer[] {
  const out: Buffer[] = []
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) out.push(Buffer.from(name, 'latin1'), Buffer.from(v, 'latin1'))
  }
  return out
}

function incoming (headers: OutgoingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.map(String) : String(value)
  }
  return out
}

/** The request path; a `query` option (which undici's own clients serialise themselves) is appended. */
function pathOf (o: Dispatcher.DispatchOptions): string {
  if (o.query === undefined || o.query === null) return o.path
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(o.query)) for (const item of Array.isArray(v) ? v : [v]) q.append(k, String(item))
  const s = q.toString()
  return s === '' ? o.path : `${o.path}${o.path.includes('?') ? '&' : '?'}${s}`
}

/** undici takes headers as an object, a flat [name, value, …] array, or pairs; the app gets lower-case names. */
function headersOf (h: Dispatcher.DispatchOptions['headers']): Record<string, string> {
  const out: Record<string, string> = {}
  const add = (name: unknown, value: unknown): void => {
    if (value === undefined || value === null) return
    const key = String(name).toLowerCase()
    const v = Array.isArray(value) ? value.map(String).join(', ') : String(value)
    out[key] = out[key] === undefined ? v : `${out[key]}, ${v}`
  }
  if (h === undefined || h === null) return out
  if (Array.isArray(h)) {
    if (Array.isArray(h[0])) for (const [name, value] of h as unknown as Array<[string, unknown]>) add(name, value)
    else for (let i = 0; i + 1 < h.length; i += 2) add(h[i], h[i + 1])
  } else if (Symbol.iterator in h) {
    for (const [name, value] of h as Iterable<[string, unknown]>) add(name, value)
  } else {
    for (const [name, value] of Object.entries(h)) add(name, value)
  }
  return out
}

/** Headers and body for inject: bytes as they are, streams and async iterables streamed. */
async function requestOf (o: Dispatcher.DispatchOptions, host: string): Promise<Pick<InjectOptions, 'headers' | 'payload'>> {
  const headers = { ...headersOf(o.headers), host }
  const body: Dispatcher.DispatchOptions['body'] | AsyncIterable<Uint8Array> = o.body
  if (body === undefined || body === null) return { headers }
  if (typeof body === 'string' || Buffer.isBuffer(body)) return { headers, payload: body }
  if (body instanceof Uint8Array) return { headers, payload: Buffer.from(body.buffer, body.byteOffset, body.byteLength) }
  // nothing here sends multipart; say so rather than stream a FormData's entries as if they were bytes
  if (Object.prototype.toString.call(body) === '[object FormData]') throw new errors.InvalidArgumentError('FormData bodies are not supported in process')
  return { headers, payload: body instanceof Readable ? body : Readable.from(body as AsyncIterable<Uint8Array>) }
}
