import type { DfoClient } from './dfo-types.js'

/**
 * A DfoClient built on first use. In sandbox mode the emulator lives on the hub's own listener, whose port is
 * only known after listen(); every DfoClient method is forwarded once the real client exists.
 */
export function lazyDfoClient (factory: () => DfoClient): DfoClient {
  let client: DfoClient | undefined
  const get = (): DfoClient => (client ??= factory())
  return new Proxy({} as DfoClient, {
    get: (_target, prop: keyof DfoClient) => {
      const value = get()[prop]
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(get()) : value
    }
  })
}
