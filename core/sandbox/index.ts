import Fastify from 'fastify'
import { sandboxPlugin } from './plugin.js'
import type { SandboxOptions } from './options.js'

export type { SandboxFaults, SandboxHub, SandboxOptions } from './options.js'
export { sandboxPlugin } from './plugin.js'

/** Runs the emulator alone (`byoc-hub sandbox`), mounted at /sandbox like inside the hub; url ends in /sandbox. */
export async function startSandbox (opts: SandboxOptions & { host?: string, port?: number, logger?: boolean }): Promise<{ url: string, close(): Promise<void> }> {
  const { host = '127.0.0.1', port = 0, logger = false, ...options } = opts
  const app = Fastify({ logger })
  await app.register(sandboxPlugin, { ...options, prefix: '/sandbox' })
  await app.listen({ host, port })
  const addr = app.server.address()
  const actualPort = typeof addr === 'object' && addr ? addr.port : port
  const shownHost = host.includes(':') ? `[${host}]` : host
  return { url: `http://${shownHost}:${actualPort}/sandbox`, close: () => app.close() }
}
