import type { DfoClient } from './dfo-types.js'

/**
 * A DfoClient built on first use. Its endpoints may not be known yet: in sandbox mode the emulator lives on the
 * hub's own listener, whose port is only known after listen(), and in live mode region discovery finds them. Every
 * DfoClient method (all return promises) waits for the real client, then is forwarded. A failed build is not
 * cached: the next call tries again (discovery has its own back-off).
 */
export function lazyDfoClient (factory: () => Promise<DfoClient>): DfoClient {
  let client: Promise<DfoClient> | undefined
  const get = (): Promise<DfoClient> => (client ??= factory().catch((err: unknown) => { client = undefined; throw err }))
  return new Proxy({} as DfoClient, {
    get: (_target, prop: keyof DfoClient) =>
      (...args: unknown[]) => get().then(c => (c[prop] as (...a: unknown[]) => unknown).apply(c, args))
  })
}
