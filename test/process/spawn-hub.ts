import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { ROOT, eventually } from '../helper.js'

/** A hub as a real OS process (the built CLI), so tests can kill -9 it. Requires `npm run build` (pretest). */
export interface HubProcess { url: string, child: ChildProcess, output: () => string, kill (signal?: NodeJS.Signals): Promise<void> }

export function writeHubConfig (dir: string, name: string, config: Record<string, unknown>): string {
  const path = join(dir, `${name}.yaml`)
  writeFileSync(path, stringify(config))
  return path
}

/** `nodeArgs` go before the script: flags such as --trace-gc that NODE_OPTIONS does not allow. */
export async function spawnHub (configPath: string, port: number, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<HubProcess> {
  // BYOC_HUB_BIN: another build of the hub (bench A/B runs, e.g. bench/p999-stalls.ts against a copy of the old dist)
  const bin = process.env.BYOC_HUB_BIN ?? join(ROOT, 'bin/byoc-hub.js')
  const child = spawn(process.execPath, [...nodeArgs, bin, 'start', '--config', configPath], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr!.on('data', (d: Buffer) => { out += d.toString() })
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}`
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`hub exited early:\n${out}`)
      try { return (await fetch(`${url}/health/live`)).ok } catch { return false }
      // BYOC_HUB_START_TIMEOUT_MS: a machine shared with other builds can take longer than 30 s to load the hub
    }, Number(process.env.BYOC_HUB_START_TIMEOUT_MS ?? 30_000), 'hub process to listen')
  } catch (err) {
    child.kill('SIGKILL') // a hub that never listened is no one's to clean up otherwise
    throw new Error(`${(err as Error).message}\n--- hub output ---\n${out}`, { cause: err })
  }
  return {
    url, child, output: () => out,
    kill: async (signal = 'SIGKILL') => { if (child.exitCode === null) { child.kill(signal); await exited } }
  }
}

/** A free TCP port (bound then released), for processes whose config needs a fixed port. */
export async function freePort (): Promise<number> {
  const { createServer } = await import('node:net')
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}
