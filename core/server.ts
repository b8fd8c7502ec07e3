import type { FastifyInstance } from 'fastify'
import { loadConfigFile } from '../config/load.js'
import { buildApp } from './app.js'
import { kHub } from './symbols.js'

export interface RunningHub { app: FastifyInstance, url: string, close (): Promise<void> }

/** loadConfig -> buildApp -> listen, with a graceful drain on SIGTERM/SIGINT. */
export async function startServer (configPath: string, opts: { installSignalHandlers?: boolean, drainDelayMs?: number } = {}): Promise<RunningHub> {
  const { config, baseDir } = loadConfigFile(configPath)
  const app = await buildApp(config, { baseDir })
  await app.listen({ host: config.server.host, port: config.server.port })
  const url = app[kHub].selfUrl()
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => (closing ??= app.close())
  if (opts.installSignalHandlers !== false) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        // SIGTERM comes from an orchestrator: readiness goes false first and the listener stays open for a moment,
        // so the load balancer takes the instance out before connections are refused. Ctrl-C (SIGINT) stops at once.
        const delayMs = signal === 'SIGTERM' ? drainDelayMs(opts.drainDelayMs, config.server.drainDelay) : 0
        app[kHub].readiness.draining = true
        app.log.info({ signal, delayMs }, 'draining: readiness off, finishing in-flight work')
        // a second signal, or a stuck drain, ends the process anyway
        const force = setTimeout(() => process.exit(1), delayMs + 30_000)
        force.unref()
        const wait = new Promise(resolve => setTimeout(resolve, delayMs))
        wait.then(close).then(() => process.exit(0), (err) => { app.log.error({ err }, 'shutdown failed'); process.exit(1) })
      })
    }
  }
  return { app, url, close }
}

/** How long readiness is false before the listener closes on SIGTERM: the caller's, BYOC_DRAIN_DELAY_MS, else server.drainDelay. */
function drainDelayMs (given: number | undefined, configured: number): number {
  if (given !== undefined) return given
  const env = Number(process.env.BYOC_DRAIN_DELAY_MS)
  return Number.isFinite(env) && env >= 0 && process.env.BYOC_DRAIN_DELAY_MS !== undefined && process.env.BYOC_DRAIN_DELAY_MS !== '' ? env : configured
}
