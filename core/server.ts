import type { FastifyInstance } from 'fastify'
import { loadConfigFile } from '../config/load.js'
import { buildApp } from './app.js'
import { kHub } from './symbols.js'

export interface RunningHub { app: FastifyInstance, url: string, close (): Promise<void> }

/** loadConfig -> buildApp -> listen, with a graceful drain on SIGTERM/SIGINT. */
export async function startServer (configPath: string, opts: { installSignalHandlers?: boolean } = {}): Promise<RunningHub> {
  const { config, baseDir } = loadConfigFile(configPath)
  const app = await buildApp(config, { baseDir })
  await app.listen({ host: config.server.host, port: config.server.port })
  const url = app[kHub].selfUrl()
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => (closing ??= app.close())
  if (opts.installSignalHandlers !== false) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        app.log.info({ signal }, 'draining: readiness off, finishing in-flight work')
        // a second signal, or a stuck drain, ends the process anyway
        const force = setTimeout(() => process.exit(1), 30_000)
        force.unref()
        close().then(() => process.exit(0), (err) => { app.log.error({ err }, 'shutdown failed'); process.exit(1) })
      })
    }
  }
  return { app, url, close }
}
