import type { Test } from 'tap'
import { request, type Dispatcher } from 'undici'
import { join, resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { validateConfig } from '../config/load.js'
import type { ByocConfig } from '../config/schema.js'
import { buildApp } from '../core/app.js'
import { kHub, } from '../core/symbols.js'
import type { HubInternals } from '../core/app.js'
import { SqliteStore } from '../core/store/sqlite.js'
import { InjectDispatcher } from '../core/cxone/inject-dispatcher.js'
import type { Store } from '../core/store/types.js'
import { testDir } from './test-dir.js'

export const ROOT = resolve(import.meta.dirname, '..')
export const CLIENT = { clientId: 'cxone-test', clientSecret: 'test-secret-0123456789abcdef-0123456789' }
/** The sandbox console's login token in every test config (sandbox.consoleToken); http() presents it (see consoleAuth). */
export const TEST_CONSOLE_TOKEN = 'test-console-token-0123456789abcdef'
export const TEST_ACCESS_KEY_SECRET = 'test-access-key-secret-0123456789'

export interface StartedHub {
  url: string
  /** the emulator mounted by the hub in sandbox mode */
  sandboxUrl: string
  box: string
  app: FastifyInstance
  hub: HubInternals
  store: Store
  config: TestConfig
  /** started with `listen: false`: the way in for an undici client of the test's own (the hub's URLs are not on a network) */
  dispatcher?: Dispatcher
}

/** A test config states every sandbox secret, so tests can read them back. */
export type TestConfig = ByocConfig & { sandbox: { accessKeySecret: string, consoleToken: string } }

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> | T[K] : T[K] }

/** The in-memory config every test starts from: sandbox mode, SQLite in the test's dir, quiet logs. */
export function testConfig (dir: string, overrides: Record<string, unknown> = {}): TestConfig {
  const base: Record<string, unknown> = {
    server: { host: '127.0.0.1', port: 0 },
    auth: { clients: [CLIENT], tokenTtl: '1h' },
    cxone: { mode: 'sandbox', retryBase: '20ms', retryMax: '200ms', threadStatusInterval: '1s', timeout: '2s' },
    sandbox: { clientId: CLIENT.clientId, accessKeySecret: TEST_ACCESS_KEY_SECRET, consoleToken: TEST_CONSOLE_TOKEN },
    store: { driver: 'sqlite', path: join(dir, 'hub.db') },
    log: { level: process.env.TEST_LOG ?? 'silent' },
    channels: [{ id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: 'chat_watering-hole', name: 'The Watering Hole', config: { identitySecret: 'test-identity-secret-0123456789abcdef' } }]
  }
  return validateConfig(merge(base, overrides)) as TestConfig
}

function merge (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a }
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && a[k] && typeof a[k] === 'object' && !Array.isArray(a[k])
      ? merge(a[k] as Record<string, unknown>, v as Record<string, unknown>)
      : v
  }
  return out
}

/** Hubs started with `listen: false`, by their origin: http() and cxoneToken() reach these in process. */
const inProcessHubs = new Map<string, Dispatcher>()
let inProcessSeq = 0

/**
 * Hub + sandbox with a SQLite file of the test's own; closed on teardown. On port 0 by default; with `listen: false`
 * (route-level tests) no port is opened: the hub's URL is an origin of its own under `.invalid` (its publicUrl), which
 * http() and cxoneToken() route to app.inject. The hub reaches its sandbox in process either way.
 */
export async function startHub (t: Test, overrides: DeepPartial<ByocConfig> | Record<string, unknown> = {}, opts: { store?: Store, dir?: string, listen?: boolean } = {}): Promise<StartedHub> {
  const dir = opts.dir ?? testDir(t, {})
  const origin = opts.listen === false ? `http://hub-${++inProcessSeq}.invalid` : undefined
  const config = testConfig(dir, origin ? merge(overrides as Record<string, unknown>, { server: { publicUrl: origin } }) : overrides as Record<string, unknown>)
  const store = opts.store ?? new SqliteStore(join(dir, 'hub.db'))
  const app = await buildApp(config, { baseDir: ROOT, store, timerIntervalMs: 50 })
  const dispatcher = origin ? new InjectDispatcher((o) => app.inject(o)) : undefined
  if (origin && dispatcher) {
    inProcessHubs.set(origin, dispatcher)
    await app.ready()
  } else {
    await app.listen({ host: '127.0.0.1', port: 0 })
  }
  t.teardown(async () => {
    if (origin) inProcessHubs.delete(origin)
    await app.close()
    if (!opts.store) await store.close()
  })
  const url = app[kHub].selfUrl()
  return { url, sandboxUrl: `${url}/sandbox`, box: `${url}${config.server.basePath}`, app, hub: app[kHub], store, config, ...(dispatcher ? { dispatcher } : {}) }
}

/** A token from the hub's /1.0/token, as CXone gets it. */
export async function cxoneToken (hub: { box: string }, creds = CLIENT): Promise<string> {
  const res = await request(`${hub.box}/1.0/token`, {
    ...reach(hub.box),
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret })
  })
  const body = await res.body.json() as { access_token: string }
  if (res.statusCode !== 200) throw new Error(`token: ${res.statusCode} ${JSON.stringify(body)}`)
  return body.access_token
}

/**
 * The sandbox console's credential for its API and _faults, as the console page's cookie carries it for a browser:
 * test hubs configure TEST_CONSOLE_TOKEN, so every test reaches those routes as the agent at the console does.
 */
export function consoleAuth (url: string): Record<string, string> {
  return /\/sandbox\/(console\/api\/|_faults)/.test(url) ? { authorization: `Bearer ${TEST_CONSOLE_TOKEN}` } : {}
}

/** JSON over HTTP (in process for a hub started with `listen: false`); returns status and parsed body. The sandbox's console API and _faults get consoleAuth. */
export async function http (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number, body: any, headers: Record<string, unknown> }> { // intentional any: tests read arbitrary JSON
  const res = await request(url, {
    ...reach(url),
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...consoleAuth(url), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {})
  })
  const text = await res.body.text()
  let parsed: unknown = text
  try { parsed = text ? JSON.parse(text) : undefined } catch { /* not JSON */ }
  return { status: res.statusCode, body: parsed, headers: res.headers }
}

/** The dispatcher for a hub started with `listen: false`; other URLs go over HTTP. */
function reach (url: string): { dispatcher?: Dispatcher } {
  const dispatcher = inProcessHubs.get(new URL(url).origin)
  return dispatcher ? { dispatcher } : {}
}

/** Polls until `check` returns a truthy value or the deadline passes (no fixed sleeps). */
export async function eventually<T> (check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v) return v as T
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 25))
  }
}
