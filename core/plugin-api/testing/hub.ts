import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import type { ChannelPlugin } from '../types.js'
import { validateConfig } from '../../../config/load.js'
import { buildApp, type HubInternals } from '../../app.js'
import { kHub } from '../../symbols.js'
import { SqliteStore } from '../../store/sqlite.js'

export const CONTRACT_CLIENT = { clientId: 'contract-cxone', clientSecret: 'contract-secret-0123456789abcdef' }

export interface ContractHub {
  readonly url: string
  /** the CXone-facing base (Integration Box URL) */
  readonly box: string
  /** the CXone emulator's agent console API */
  readonly consoleApi: string
  readonly channelId: string
  readonly cxoneChannelId: string
  readonly app: FastifyInstance
  readonly hub: HubInternals
}

// The hub loads plugins by module specifier; a plugin object handed to the kit is reached through this registry and
// a one-line module that reads it, so the hub's real loader (brand, API version, config schema) still runs.
const REGISTRY = Symbol.for('byoc-hub.contract-plugins')
type Registry = Map<string, ChannelPlugin>
const registry = (): Registry => {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>
  return (g[REGISTRY] ??= new Map())
}

function pluginModule (dir: string, plugin: ChannelPlugin): string {
  const token = randomUUID()
  registry().set(token, plugin)
  const file = join(dir, `contract-plugin-${token}.mjs`)
  writeFileSync(file, `export default globalThis[Symbol.for('byoc-hub.contract-plugins')].get(${JSON.stringify(token)})\n`)
  return file
}

function merge (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a }
  for (const [k, v] of Object.entries(b)) {
    const prev = a[k]
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)
      ? merge(prev as Record<string, unknown>, v as Record<string, unknown>)
      : v
  }
  return out
}

/**
 * A real hub in sandbox mode (CXone emulator mounted at /sandbox) on port 0, SQLite in the test's own directory,
 * running `plugin` as channel `channelId` with `channelConfig`. Closed on teardown.
 */
export async function startContractHub (t: Test, plugin: ChannelPlugin | string, channelConfig: unknown, opts: { channelId?: string, hubConfig?: Record<string, unknown> } = {}): Promise<ContractHub> {
  const dir = t.testdir({})
  const channelId = opts.channelId ?? (typeof plugin === 'string' ? 'contract' : plugin.name)
  const cxoneChannelId = `chat_${channelId}`
  const spec = typeof plugin === 'string' ? plugin : pluginModule(dir, plugin)
  const config = validateConfig(merge({
    server: { host: '127.0.0.1', port: 0 },
    auth: { clients: [CONTRACT_CLIENT], tokenTtl: '1h' },
    cxone: { mode: 'sandbox', retryBase: '20ms', retryMax: '200ms', threadStatusInterval: '1s', timeout: '2s' },
    sandbox: { clientId: CONTRACT_CLIENT.clientId },
    store: { driver: 'sqlite', path: join(dir, 'hub.db') },
    log: { level: process.env.TEST_LOG ?? 'silent' },
    channels: [{ id: channelId, plugin: spec, cxoneChannelId, name: `${channelId} (contract)`, config: channelConfig }]
  }, opts.hubConfig ?? {}))
  const store = new SqliteStore(join(dir, 'hub.db'))
  const app = await buildApp(config, { baseDir: dir, store, timerIntervalMs: 50 })
  t.teardown(async () => {
    await app.close()
    await store.close()
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const url = app[kHub].selfUrl()
  return { url, box: `${url}${config.server.basePath}`, consoleApi: `${url}/sandbox/console/api`, channelId, cxoneChannelId, app, hub: app[kHub] }
}
