import type { Test } from 'tap'
import Fastify from 'fastify'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SqliteStore } from '../../core/store/sqlite.js'
import { sandboxPlugin, type SandboxOptions } from '../../core/sandbox/index.js'
import type { SandboxHub } from '../../core/sandbox/options.js'
import { IN_PROCESS_ORIGIN, InjectDispatcher } from '../../core/cxone/inject-dispatcher.js'
import { TEST_CONSOLE_TOKEN } from '../helper.js'

export const KEY = { id: 'key-id', secret: 'key-secret' }
/** the console's login token as a bearer, for inject() calls to the console API and _faults */
export const CONSOLE_AUTH = { authorization: `Bearer ${TEST_CONSOLE_TOKEN}` }
export const CHANNEL = { id: 'chan-1', name: 'Watering Hole' }

const unusedHub: SandboxHub = {
  boxUrl: () => 'http://127.0.0.1:9/integration/box', tokenUrl: () => 'http://127.0.0.1:9/integration/box/1.0/token', clientId: 'x', clientSecret: 'y'
}

/**
 * A sandbox mounted at /sandbox, its state in a SQLite file of its own. Clients reach it in process (`dispatcher`, for
 * undici; `app.inject`); only a browser test asks it to listen (on port 0), and then `url` is that address. The
 * directory is removed after the store has closed, with retries: on a loaded machine the WAL checkpointer's
 * connection may still be letting go of its files when tap's own fixture cleanup would run (ENOTEMPTY), and a
 * throwing teardown left the file hanging.
 */
export async function startSandboxApp (t: Test, overrides: Partial<SandboxOptions> = {}, how: { listen?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'byoc-sandbox-test-'))
  const store = new SqliteStore(join(dir, 'store.db'))
  const app = Fastify()
  const opts: SandboxOptions = {
    store, hub: unusedHub, accessKeyId: KEY.id, accessKeySecret: KEY.secret, consoleToken: TEST_CONSOLE_TOKEN, tokenTtlMs: 60_000, brandId: 1001,
    channels: [CHANNEL], ...overrides
  }
  await app.register(sandboxPlugin, { ...opts, prefix: '/sandbox' })
  if (how.listen === true) await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(async () => {
    await app.close()
    await store.close()
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
  })
  const url = how.listen === true ? `http://127.0.0.1:${(app.server.address() as { port: number }).port}/sandbox` : `${IN_PROCESS_ORIGIN}/sandbox`
  const dispatcher = new InjectDispatcher((o) => app.inject(o))

  const getToken = async (): Promise<string> => {
    const res = await app.inject({
      method: 'POST', url: '/sandbox/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'password', username: KEY.id, password: KEY.secret }).toString()
    })
    if (res.statusCode !== 200) throw new Error(`token: ${res.statusCode} ${res.body}`)
    return res.json().access_token
  }
  const token = await getToken()
  /** an authorised DFO call */
  const dfo = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, payload?: unknown, bearer = token) => app.inject({
    method, url: `/sandbox/dfo/3.0${path}`, headers: { authorization: `Bearer ${bearer}` }, ...(payload !== undefined ? { payload: payload as object } : {})
  })
  return { app, store, url, dispatcher, token, getToken, dfo }
}

let seq = 0
/** A valid C1 body; pass overrides to vary it. */
export function newMessage (over: Record<string, unknown> = {}) {
  seq++
  return {
    idOnExternalPlatform: `msg-${seq}-${Date.now()}`,
    direction: 'inbound',
    createdAtWithMilliseconds: new Date().toISOString(),
    thread: { idOnExternalPlatform: 'conv-1' },
    messageContent: { type: 'TEXT', payload: { text: 'Hello' } },
    authorEndUserIdentity: { idOnExternalPlatform: 'cust-1', firstName: 'Jane', lastName: 'Doe' },
    ...over
  }
}

/** Polls until check() returns a truthy value or the deadline passes (no fixed sleeps). */
export async function until<T> (check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}
