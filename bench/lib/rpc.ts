import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { resolve } from 'node:path'

/**
 * Bench servers run in child processes of their own, so the hub, the baseline, the CXone emulator and the load
 * generator do not share an event loop. The parent drives them over the IPC channel with small named commands.
 */
type Handler = (args: any) => unknown | Promise<unknown> // intentional any: each command has its own argument shape

interface Request { id: number, cmd: string, args?: unknown }
interface Reply { id: number, ok: boolean, result?: unknown, error?: string }

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..')
const LOADER = '@isaacs/ts-node-temp-fork-for-pr-2009/import'

/** In a child, once listening: announce `url` to the parent, then answer its commands. */
export function serveCommands (url: string, handlers: Record<string, Handler>): void {
  process.send!({ ready: url })
  process.on('message', (raw: unknown) => {
    const req = raw as Request
    void (async () => {
      try {
        const handler = handlers[req.cmd]
        if (!handler) throw new Error(`unknown command ${req.cmd}`)
        process.send!({ id: req.id, ok: true, result: await handler(req.args) } satisfies Reply)
      } catch (err) {
        process.send!({ id: req.id, ok: false, error: (err as Error).stack ?? String(err) } satisfies Reply)
      }
    })()
  })
  // the parent going away ends the child (no orphans if the bench is interrupted)
  process.on('disconnect', () => process.exit(0))
}

/** In a child: the config the parent passed. */
export function childArgs<T> (): T {
  return JSON.parse(process.env.BENCH_CHILD_ARGS ?? '{}') as T
}

export interface Child {
  readonly url: string
  readonly pid: number
  call<T = unknown> (cmd: string, args?: unknown): Promise<T>
  stop (): Promise<void>
}

/**
 * Starts bench/servers/<name>.ts and waits for it to announce its URL. `nodeArgs` adds flags such as --expose-gc or
 * --cpu-prof for the child only.
 */
export async function startChild (name: string, args: unknown, nodeArgs: string[] = []): Promise<Child> {
  const proc: ChildProcess = fork(resolve(ROOT, 'bench/servers', `${name}.ts`), [], {
    cwd: ROOT,
    execArgv: ['--import', LOADER, ...nodeArgs],
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1', BENCH_CHILD_ARGS: JSON.stringify(args) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc']
  })
  let next = 1
  const waiting = new Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void }>()
  let announced: (url: string) => void = () => undefined
  const ready = new Promise<string>(resolve => { announced = resolve })
  proc.on('message', (raw: unknown) => {
    if (raw && typeof raw === 'object' && 'ready' in raw) { announced((raw as { ready: string }).ready); return }
    const reply = raw as Reply
    const w = waiting.get(reply.id)
    if (!w) return
    waiting.delete(reply.id)
    if (reply.ok) w.resolve(reply.result)
    else w.reject(new Error(`${name}: ${reply.error}`))
  })
  const exited = new Promise<void>(resolve => proc.once('exit', () => {
    for (const w of waiting.values()) w.reject(new Error(`${name} exited`))
    waiting.clear()
    resolve()
  }))
  const call = <T>(cmd: string, a?: unknown): Promise<T> => new Promise<T>((resolve, reject) => {
    const id = next++
    waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
    proc.send({ id, cmd, args: a } satisfies Request)
  })
  const url = await Promise.race([
    ready,
    exited.then(() => { throw new Error(`${name} exited before it was ready`) })
  ])
  return {
    url,
    pid: proc.pid!,
    call,
    stop: async () => {
      if (proc.exitCode !== null) return
      await call('stop').catch(() => undefined)
      proc.disconnect()
      await Promise.race([exited, new Promise(r => setTimeout(r, 10_000))])
      if (proc.exitCode === null) proc.kill('SIGKILL')
    }
  }
}
