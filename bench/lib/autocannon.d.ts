// autocannon ships no types; the bench uses this much of it
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'
  interface Req { method?: string, path?: string, headers?: Record<string, string>, body?: string }
  interface Options {
    url: string
    connections?: number
    duration?: number
    pipelining?: number
    timeout?: number
    requests?: Array<Req & { setupRequest?: (req: Req, context: unknown) => Req }>
  }
  interface Result { requests: { total: number, average: number }, duration: number, errors: number, timeouts: number, non2xx: number, '2xx': number }
  interface Instance extends EventEmitter, PromiseLike<Result> {}
  function autocannon (opts: Options): Instance
  export default autocannon
}
