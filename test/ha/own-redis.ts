import { spawn, type ChildProcess } from 'node:child_process'
import type { Test } from 'tap'
import { Redis } from 'ioredis'
import { eventually } from '../helper.js'
import { freePort } from '../process/spawn-hub.js'

export interface OwnRedis { url: string, kill (): Promise<void>, start (): Promise<void> }

/**
 * A redis-server of the test's own (never the shared one), persisting every write before it answers
 * (AOF, fsync always), so a kill -9 and a restart on the same port and dir lose nothing acknowledged.
 */
export async function ownRedis (t: Test, dir: string): Promise<OwnRedis> {
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
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--dir', dir], { stdio: 'ignore' })
    const c = child
    await eventually(async () => {
      if (c.exitCode !== null) throw new Error(`redis-server exited with ${c.exitCode}`)
      return answers(url)
    }, 15_000, `redis-server on port ${port}`)
  }
  t.teardown(kill)
  await start()
  return { url, kill, start }
}

async function answers (url: string): Promise<boolean> {
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
