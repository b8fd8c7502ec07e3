import { loadConfigFile } from '../../config/load.js'
import { parseDuration } from '../../config/duration.js'
import { createTokenSource } from '../cxone/token-client.js'
import { createDfoClient, type ClosableDfoClient } from '../cxone/dfo-client.js'
import type { ByocConfig } from '../../config/schema.js'

/** A DFO client with the hub's own credentials, for CLI commands. Sandbox mode reaches the hub's /sandbox. */
export function cliDfoClient (configPath: string): { client: ClosableDfoClient, config: ByocConfig } {
  const { config } = loadConfigFile(configPath)
  const c = config.cxone
  const sandbox = c.mode === 'sandbox'
  const local = `http://127.0.0.1:${config.server.port}/sandbox`
  const timeoutMs = parseDuration(c.timeout) ?? 5000
  const tokens = createTokenSource({
    authUrl: sandbox ? `${local}/auth/token` : c.authUrl!,
    accessKeyId: sandbox ? config.sandbox.accessKeyId : c.accessKeyId!,
    accessKeySecret: sandbox ? config.sandbox.accessKeySecret : c.accessKeySecret!,
    ...(c.clientId ? { clientId: c.clientId } : {}),
    ...(c.clientSecret ? { clientSecret: c.clientSecret } : {}),
    timeoutMs
  })
  const client = createDfoClient({ apiBaseUrl: sandbox ? local : c.apiBaseUrl!, tokens, timeoutMs, retryBaseMs: 250, retryMaxMs: 5000 })
  return { client, config }
}
