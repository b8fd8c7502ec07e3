import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
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
  const stopAll = (): Promise<unknown> => Promise.all(children.map(async c => {
    if (c.exitCode !== null || c.signalCode !== null) return
    const exited = new Promise(resolve => c.once('exit', resolve))
    c.kill('SIGKILL')
    await exited
  }))
  t.teardown(stopAll)
  // on a loaded machine redis-cli's join now and then never sees one node's bus port answer (rarely; cause not found):
  // then the attempt's nodes are killed and a new set on other ports is formed
  for (let attempt = 1; ; attempt++) {
    try {
      const ports = await form(dir, masters, replicas, children)
      return { urls: ports.map(p => `redis://127.0.0.1:${p}`), masters }
    } catch (err) {
      await stopAll()
      if (attempt === 3) throw err
      t.comment(`cluster formation attempt ${attempt} failed, retrying on other ports: ${(err as Error).message.split('\n')[0]}`)
    }
  }
}

/** Starts the nodes (each pushed to `started` at once), joins them, waits for a healthy cluster; returns the ports. */
async function form (dir: string, masters: number, replicas: number, started: ChildProcess[]): Promise<number[]> {
  const ports: number[] = []
  for (let i = 0; i < masters * (1 + replicas); i++) {
    const { port, child } = await startNode(dir, ports)
    ports.push(port)
    started.push(child)
  }
  const addresses = ports.map(p => `127.0.0.1:${p}`)
  await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: 45_000 })
  await eventually(async () => (await Promise.all(ports.map(clusterInfo))).every(info =>
    /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info) && new RegExp(`cluster_known_nodes:${ports.length}\\b`).test(info)
  ), 60_000, 'cluster_state:ok on every node')
  // replicas past their first full sync (a fork on the master), so it does not happen under the test's traffic
  await eventually(async () => (await Promise.all(ports.map(p => probe(p, r => r.info('replication'))))).every(info =>
    info !== undefined && (/role:master/.test(info) || /master_link_status:up/.test(info))
  ), 60_000, 'every replica in sync')
  return ports
}

/** One cluster-enabled redis-server on a port whose cluster bus port (+10000) is free too; retried if taken. */
async function startNode (dir: string, taken: number[]): Promise<{ port: number, child: ChildProcess }> {
  for (let attempt = 0; ; attempt++) {
    const port = await portPairFree(taken)
    // a directory per node: a replica's full sync writes dump.rdb there, and nodes sharing one would overwrite it
    const nodeDir = join(dir, `node-${port}`)
    mkdirSync(nodeDir, { recursive: true })
    const child = spawn('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
      '--cluster-config-file', join(nodeDir, 'nodes.conf'), '--cluster-node-timeout', '30000',
      '--save', '', '--appendonly', 'no', '--dir', nodeDir
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

/**
 * A port in 10000-19999 free on loopback together with its cluster bus port (+10000): both below the ephemeral
 * range (32768 up), where port-0 listeners and outgoing connections of other tests would take them.
 */
async function portPairFree (taken: number[]): Promise<number> {
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * 10_000)
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
