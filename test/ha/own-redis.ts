import { spawn, type ChildProcess } from 'node:child_process'
import type { Test } from 'tap'
import { Redis } from 'ioredis'
import { eventually } from '../helper.js'
import { freePort } from '../process/spawn-hub.js'

export interface OwnRedis { url: string, port: number, kill (): Promise<void>, start (): Promise<void> }

export interface OwnRedisOptions {
  /** always (the default): every write on disk before Redis answers; everysec: the last second may be lost in a crash */
  appendfsync?: 'always' | 'everysec'
  /** a replica of the Redis on this port */
  replicaOf?: number
}

/**
 * A redis-server of the test's own (never the shared one), persisting writes in an AOF (fsync always unless told),
 * so a kill -9 and a restart on the same port and dir lose nothing acknowledged.
 */
export async function ownRedis (t: Test, dir: string, opts: OwnRedisOptions = {}): Promise<OwnRedis> {
  const port = await freePort()
  const url = `redis://127.0.0.1:${port}`
  let child: ChildProcess | undefined
  const kill = async (): Promise<void> => {
    const c = child
    child = undefined
    if (!c || c.exitCode !== null) return
    const exited = new Promise(resolve => c.once('exit', resolve))
    c.kill('SIGKILL')
    await exited
  }
  const start = async (): Promise<void> => {
    const replica = opts.replicaOf !== undefined ? ['--replicaof', '127.0.0.1', String(opts.replicaOf)] : []
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', opts.appendfsync ?? 'always',
      '--save', '', '--dir', dir, ...replica], { stdio: 'ignore' })
    const c = child
    await eventually(async () => {
      if (c.exitCode !== null) throw new Error(`redis-server exited with ${c.exitCode}`)
      return answers(url)
    }, 15_000, `redis-server on port ${port}`)
  }
  t.teardown(kill)
  await start()
  return { url, port, kill, start }
}

export async function answers (url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  probe.on('error', () => {})
  try {
    await probe.connect()
    return await probe.ping() === 'PONG'
  } catch {
    return false
  } finally {
    probe.disconnect()
  }
}
