import { spawn } from 'node:child_process'
import { connect, createServer } from 'node:net'
import { Redis } from 'ioredis'

/**
 * A Redis of the bench's own (redis-server on a free loopback port, nothing persisted), so its INFO commandstats
 * count only what the hubs under measurement sent, and nobody else's keys share it.
 */
export interface BenchRedis {
  readonly url: string
  readonly port: number
  /** calls per command name since the last reset (INFO commandstats), e.g. { evalsha: 1200, zcard: 40 } */
  commandCalls (): Promise<Record<string, number>>
  resetStats (): Promise<void>
  /**
   * Starts counting the commands clients send (MONITOR), per command name, leaving out those a script runs inside
   * Redis (MONITOR's source 'lua'): each is one round trip of a client. The returned function stops and reads them.
   */
  countRoundTrips (): Promise<() => Promise<Record<string, number>>>
  stop (): Promise<void>
}

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise(resolve => server.close(resolve))
  return port
}

function accepts (port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
  })
}

export async function startRedis (): Promise<BenchRedis> {
  const port = await freePort()
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  const exited = new Promise<void>(resolve => proc.once('exit', () => resolve()))
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null })
  try {
    // redis-server takes a moment to listen (longer on a busy machine): wait for its port, then connect
    const deadline = Date.now() + 20_000
    while (!await accepts(port)) {
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`)
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    await client.connect()
    await client.ping()
  } catch (err) {
    client.disconnect()
    proc.kill('SIGKILL')
    throw err
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    commandCalls: async () => {
      const out: Record<string, number> = {}
      for (const m of (await client.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[m[1]!] = Number(m[2])
      return out
    },
    resetStats: async () => { await client.config('RESETSTAT') },
    countRoundTrips: async () => {
      const watcher = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 })
      const monitor = await watcher.monitor()
      const out: Record<string, number> = {}
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (source === 'lua') return
        const name = String(args[0]).toLowerCase()
        out[name] = (out[name] ?? 0) + 1
      })
      return async () => {
        // a ping through the same server: MONITOR lines before it have reached us once its answer is back
        await client.ping()
        await new Promise(resolve => setTimeout(resolve, 100))
        monitor.disconnect()
        watcher.disconnect()
        return out
      }
    },
    stop: async () => {
      client.disconnect()
      proc.kill('SIGTERM')
      await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 5000))])
      if (proc.exitCode === null) proc.kill('SIGKILL')
    }
  }
}
