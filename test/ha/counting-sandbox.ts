import Fastify from 'fastify'
import { join } from 'node:path'
import type { Test } from 'tap'
import { sandboxPlugin } from '../../core/sandbox/index.js'
import { SqliteStore } from '../../core/store/sqlite.js'
import { CLIENT, TEST_CONSOLE_TOKEN } from '../helper.js'

const CREATE = /\/dfo\/3\.0\/channels\/([^/]+)\/messages$/
const UPDATE_THREAD = /\/dfo\/3\.0\/channels\/([^/]+)\/threads\/([^/]+)$/

export interface CreateCall { channelId: string, id: string }
/** C7 update thread (`canAddMoreMessages: false` is how the hub ends a conversation in CXone) */
export interface ThreadUpdate { channelId: string, threadId: string }

/**
 * The CXone emulator with a meter on C1 (create message): every call it answered, duplicates included, so a test
 * can tell at-least-once (raw calls) from exactly-once-as-CXone-sees-it (distinct ids in the thread). The agent
 * reaches the hub through `target()`, so a test chooses which instance an agent reply arrives at.
 */
export async function startCountingSandbox (t: Test, dir: string, opts: {
  channels: Array<{ id: string, name: string }>
  target: () => string
}): Promise<{ url: string, createCalls: CreateCall[], threadUpdates: ThreadUpdate[], gate: Gate }> {
  const store = new SqliteStore(join(dir, 'sandbox.db'))
  const app = Fastify()
  const createCalls: CreateCall[] = []
  const threadUpdates: ThreadUpdate[] = []
  const gate = new Gate()
  // counted on arrival (body parsed): a call whose caller died before the answer counts too
  app.addHook('preHandler', async (req) => {
    const update = req.method === 'PUT' ? UPDATE_THREAD.exec(req.url) : null
    if (update) threadUpdates.push({ channelId: decodeURIComponent(update[1]!), threadId: decodeURIComponent(update[2]!) })
    const m = req.method === 'POST' ? CREATE.exec(req.url) : null
    if (!m) return
    const id = (req.body as { idOnExternalPlatform?: unknown } | undefined)?.idOnExternalPlatform
    if (typeof id === 'string') createCalls.push({ channelId: decodeURIComponent(m[1]), id })
    await gate.pass(req.socket.remotePort)
  })
  await app.register(sandboxPlugin, {
    prefix: '/sandbox',
    store,
    hub: { boxUrl: () => `${opts.target()}/integration/box`, tokenUrl: () => `${opts.target()}/integration/box/1.0/token`, ...CLIENT },
    accessKeyId: 'ak', accessKeySecret: 'as', consoleToken: TEST_CONSOLE_TOKEN, tokenTtlMs: 3_600_000, brandId: 1, channels: opts.channels
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => { await app.close(); await store.close() })
  const { port } = app.server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}/sandbox`, createCalls, threadUpdates, gate }
}

/** Holds create-message calls while closed, so a test can kill an instance with calls surely in flight. */
export class Gate {
  held = 0
  /** the callers' ports of the calls held (tcpPortsOf tells whose) */
  readonly heldPorts = new Set<number>()
  private opened: Promise<void> | undefined
  private open_: (() => void) | undefined

  close (): void { this.opened ??= new Promise(resolve => { this.open_ = resolve }) }

  open (): void {
    this.heldPorts.clear()
    this.open_?.()
    this.opened = undefined
    this.open_ = undefined
  }

  async pass (callerPort?: number): Promise<void> {
    if (!this.opened) return
    this.held++
    if (callerPort !== undefined) this.heldPorts.add(callerPort)
    await this.opened
  }
}
