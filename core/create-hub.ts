import { resolve } from 'node:path'
import { loadConfigFile, validateConfig } from '../config/load.js'
import type { ByocConfig } from '../config/schema.js'
import { buildApp } from './app.js'
import { kHub } from './symbols.js'

export interface CreateHubOptions {
  /** where relative plugin and store paths resolve for an inline config (a config file's own folder otherwise) */
  readonly baseDir?: string
  /** longest sleep of the timer loop (it wakes at the next due time, and at least this often); tests that run idle rules shorten it */
  readonly timerIntervalMs?: number
}

/** A message as the hub stored it (the hook a contract test uses to see what was accepted). */
export interface StoredMessageView {
  readonly channelId: string
  readonly messageId: string
  readonly direction: 'inbound' | 'outbound'
  readonly threadId: string
}

/** A running hub: what embedding code and test kits need, nothing of its internals. */
export interface Hub {
  /** http://host:port of the listening hub (or server.publicUrl) */
  readonly url: string
  /** the CXone-facing base, url + server.basePath (the Integration Box URL) */
  readonly cxoneUrl: string
  /** sandbox mode: the agent console's login token, presented as a bearer to url/sandbox/console/api */
  readonly consoleToken: string | undefined
  /** the channel ids the hub runs */
  readonly channels: readonly string[]
  /** a message the hub accepted and stored, by channel and idOnExternalPlatform */
  storedMessage (channelId: string, messageId: string): Promise<StoredMessageView | undefined>
  /** resolves once no delivery job is pending (each was delivered or dead-lettered); rejects after timeoutMs */
  outboxDrained (timeoutMs?: number): Promise<void>
  /** stops listening, finishes in-flight work, closes the store; safe to call twice */
  close (): Promise<void>
}

/**
 * Starts a hub: from a config file (path) or a config object (validated as a file would be: defaults, ${ENV},
 * every problem reported at once), listening on server.host/server.port (port 0: any free port).
 */
export async function createHub (config: string | Record<string, unknown> | ByocConfig, opts: CreateHubOptions = {}): Promise<Hub> {
  const loaded = typeof config === 'string'
    ? loadConfigFile(resolve(config))
    : { config: validateConfig(config), baseDir: resolve(opts.baseDir ?? process.cwd()) }
  const app = await buildApp(loaded.config, { baseDir: loaded.baseDir, ...(opts.timerIntervalMs !== undefined ? { timerIntervalMs: opts.timerIntervalMs } : {}) })
  try {
    await app.listen({ host: loaded.config.server.host, port: loaded.config.server.port })
  } catch (err) {
    await app.close()
    throw err
  }
  const internals = app[kHub]
  const url = internals.selfUrl()
  let closing: Promise<void> | undefined
  return {
    url,
    cxoneUrl: `${url}${loaded.config.server.basePath}`,
    consoleToken: internals.consoleToken,
    channels: internals.channels.all().map(c => c.id),
    async storedMessage (channelId, messageId) {
      const m = await internals.store.getMessage(channelId, messageId)
      return m && { channelId, messageId, direction: m.direction, threadId: m.threadId }
    },
    async outboxDrained (timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs
      while ((await internals.store.outboxStats()).pending > 0) {
        if (Date.now() > deadline) throw new Error(`outbox still has pending jobs after ${timeoutMs}ms`)
        await new Promise(resolve => setTimeout(resolve, 25))
      }
    },
    close: () => (closing ??= app.close())
  }
}
