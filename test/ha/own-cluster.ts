import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Test } from 'tap'
import { Redis } from 'ioredis'
import { eventually } from '../helper.js'

const run = promisify(execFile)

export interface OwnCluster {
  /** one redis:// url per node, masters first: what `store.cluster` takes */
  urls: string[]
  masters: number
}

/**
 * A Redis Cluster of the test's own: `masters` masters and `replicas` replicas of each, started with
 * `--cluster-enabled yes`, joined by `redis-cli --cluster create`, and ready once every node reports
 * cluster_state:ok with all 16384 slots served. Killed at teardown. Node timeouts are long so a loaded machine does
 * not make the cluster mark a slow node as failed (no failover is wanted here).
 */
export async function ownCluster (t: Test, dir: string, opts: { masters?: number, replicas?: number } = {}): Promise<OwnCluster> {
  const masters = opts.masters ?? 3
  const replicas = opts.replicas ?? 0
  const children: ChildProcess[] = []
  t.teardown(async () => {
    await Promise.all(children.map(async c => {
      if (c.exitCode !== null || c.signalCode !== null) return
      const exited = new Promise(resolve => c.once('exit', resolve))
      c.kill('SIGKILL')
      await exited
    }))
  })
  const ports: number[] = []
  for (let i = 0; i < masters * (1 + replicas); i++) {
    const { port, child } = await startNode(dir, ports)
    ports.push(port)
    children.push(child)
  }
  const addresses = ports.map(p => `127.0.0.1:${p}`)
  await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: 120_000 })
  await eventually(async () => (await Promise.all(ports.map(clusterInfo))).every(info =>
    /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info) && new RegExp(`cluster_known_nodes:${ports.length}\\b`).test(info)
  ), 60_000, 'cluster_state:ok on every node')
  // replicas past their first full sync (a fork on the master), so it does not happen under the test's traffic
  await eventually(async () => (await Promise.all(ports.map(p => probe(p, r => r.info('replication'))))).every(info =>
    info !== undefined && (/role:master/.test(info) || /master_link_status:up/.test(info))
  ), 60_000, 'every replica in sync')
  return { urls: ports.map(p => `redis://127.0.0.1:${p}`), masters }
}

/** One cluster-enabled redis-server on a port whose cluster bus port (+10000) is free too; retried if taken. */
async function startNode (dir: string, taken: number[]): Promise<{ port: number, child: ChildProcess }> {
  for (let attempt = 0; ; attempt++) {
    const port = await portPairFree(taken)
    const child = spawn('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
      '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '30000',
      '--save', '', '--appendonly', 'no', '--dir', dir
    ], { stdio: 'ignore' })
    try {
      await eventually(async () => {
        if (child.exitCode !== null) throw new Error(`redis-server on ${port} exited with ${child.exitCode}`)
        return answers(port)
      }, 15_000, `cluster node on port ${port}`)
      return { port, child }
    } catch (err) {
      child.kill('SIGKILL')
      if (attempt >= 4) throw err // another process took the port between the check and the start: try another
    }
  }
}

/** A port in 20000-29999 free on loopback together with its cluster bus port. */
async function portPairFree (taken: number[]): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000)
    if (!taken.includes(port) && await canBind(port) && await canBind(port + 10_000)) return port
  }
}

function canBind (port: number): Promise<boolean> {
  return new Promise(resolve => {
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })
}

async function answers (port: number): Promise<boolean> {
  return await probe(port, r => r.ping()) === 'PONG'
}

async function clusterInfo (port: number): Promise<string> {
  return String(await probe(port, r => r.call('CLUSTER', 'INFO')) ?? '')
}

/** One command on a short-lived connection; undefined when the node does not answer. */
async function probe<T> (port: number, command: (r: Redis) => Promise<T>): Promise<T | undefined> {
  const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  r.on('error', () => {})
  try {
    await r.connect()
    return await command(r)
  } catch {
    return undefined
  } finally {
    r.disconnect()
  }
}
