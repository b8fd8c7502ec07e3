import Fastify, { type FastifyRequest } from 'fastify'
import type { Test } from 'tap'
import { join } from 'node:path'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { sandboxPlugin } from '../../../core/sandbox/index.js'
import { SqliteStore } from '../../../core/store/sqlite.js'
import { CLIENT, TEST_CONSOLE_TOKEN } from '../../helper.js'

/** One DFO call as CXone saw it: what, when, the idempotency key (idOnExternalPlatform) and the answer. */
export interface CxoneCall {
  at: number
  method: string
  path: string
  status: number
  /** idOnExternalPlatform of a createMessage body */
  key?: string
  threadKey?: string
  /** first 200 characters */
  text?: string
}

export interface RecordingCxone {
  /** the DFO base (ends in /sandbox; the hub appends /dfo/3.0) */
  url: string
  port: number
  calls: CxoneCall[]
  /** createMessage calls only */
  creates (): CxoneCall[]
  /** answer the next calls carrying this idOnExternalPlatform with these statuses, in turn, before letting one through */
  script (key: string, statuses: Array<number | { status: number, retryAfter?: string, location?: string }>): void
  /** store the next createMessage with this key, then hold the answer back for `ms` (the duplicate window) */
  hangAfterStore (key: string, ms: number): void
  /** answer every createMessage with this status (e.g. 400) until cleared with undefined */
  failAll (status: number | undefined): void
  /** the hub's port, once known, so CXone can call the hub back (agent replies) */
  setHubUrl (url: string): void
  close (): Promise<void>
}

const ACCESS = { accessKeyId: 'rel-ak', accessKeySecret: 'rel-as-0123456789' }

/**
 * The CXone emulator (core/sandbox) in its own Fastify, with every DFO request recorded after it is answered, and
 * per-message scripted answers (F-8, F-9, F-14): the mock side of the invariant checks.
 */
export async function startRecordingCxone (t: Test, channels: Array<{ id: string, name: string }>): Promise<RecordingCxone> {
  // a directory of its own: testDir(t) is one per test and a later call (startHub) would wipe it
  const dir = mkdtempSync(join(tmpdir(), 'byoc-cxone-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }))
  const store = new SqliteStore(join(dir, 'cxone.db'))
  const calls: CxoneCall[] = []
  const scripts = new Map<string, Array<number | { status: number, retryAfter?: string, location?: string }>>()
  let failing: number | undefined
  const hangs = new Map<string, number>()
  let hubUrl = 'http://127.0.0.1:9'
  const app = Fastify({ logger: false })
  const keyOf = (req: FastifyRequest): { key?: string, threadKey?: string, text?: string } => {
    const b = req.body as { idOnExternalPlatform?: string, thread?: { idOnExternalPlatform?: string }, messageContent?: { payload?: { text?: string } } } | undefined
    if (req.method !== 'POST' || !/\/dfo\/3\.0\/channels\/[^/]+\/messages$/.test(req.url) || !b) return {}
    return { ...(b.idOnExternalPlatform ? { key: b.idOnExternalPlatform } : {}), ...(b.thread?.idOnExternalPlatform ? { threadKey: b.thread.idOnExternalPlatform } : {}), ...(b.messageContent?.payload?.text !== undefined ? { text: b.messageContent.payload.text } : {}) }
  }
  // a call is recorded when it arrives (CXone's order), keyed once its body is parsed, and given its status when
  // answered; one the hub gave up on before the answer stays 499, like nginx's "client closed request"
  const entries = new WeakMap<FastifyRequest, CxoneCall>()
  app.addHook('onRequest', async (req) => {
    if (!req.url.includes('/dfo/3.0/')) return
    const entry: CxoneCall = { at: Date.now(), method: req.method, path: req.url.split('?')[0]!, status: 499 }
    calls.push(entry)
    entries.set(req, entry)
  })
  app.addHook('preHandler', async (req, reply) => {
    const { key, threadKey, text } = keyOf(req)
    const entry = entries.get(req)
    if (entry && key !== undefined) Object.assign(entry, { key, ...(threadKey !== undefined ? { threadKey } : {}), ...(text !== undefined ? { text: text.slice(0, 200) } : {}) })
    if (key === undefined) return
    if (failing !== undefined) return reply.code(failing).send({ errors: [{ message: 'scripted failure', parameters: { errorCode: 'scripted' } }] })
    const next = scripts.get(key)?.shift()
    if (next === undefined) return
    const s = typeof next === 'number' ? { status: next } : next
    if (s.retryAfter) reply.header('retry-after', s.retryAfter)
    if (s.location) reply.header('location', s.location)
    return reply.code(s.status).send({ errors: [{ message: 'scripted answer', parameters: { errorCode: 'scripted' } }] })
  })
  app.addHook('onSend', async (req, _reply, payload) => {
    const key = entries.get(req)?.key
    const ms = key !== undefined ? hangs.get(key) : undefined
    if (ms !== undefined) {
      hangs.delete(key!)
      await new Promise(r => setTimeout(r, ms))
      if (req.raw.socket?.destroyed) entries.delete(req) // the hub is gone: the entry stays 499
    }
    return payload
  })
  app.addHook('onResponse', async (req, reply) => {
    const entry = entries.get(req)
    if (entry) entry.status = reply.statusCode
  })
  await app.register(sandboxPlugin, {
    prefix: '/sandbox', store,
    hub: { boxUrl: () => `${hubUrl}/integration/box`, tokenUrl: () => `${hubUrl}/integration/box/1.0/token`, ...CLIENT },
    ...ACCESS, consoleToken: TEST_CONSOLE_TOKEN, tokenTtlMs: 3_600_000, brandId: 1, channels
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => { await app.close(); await store.close() })
  const port = (app.server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}/sandbox`, port, calls,
    creates: () => calls.filter(c => c.key !== undefined),
    script: (key, statuses) => { scripts.set(key, [...statuses]) },
    hangAfterStore: (key, ms) => { hangs.set(key, ms) },
    failAll: (status) => { failing = status },
    setHubUrl: (url) => { hubUrl = url },
    close: () => app.close()
  }
}

/** The hub's cxone config for a live CXone at `dfoBase` (through a proxy or not); tokens straight from the emulator. */
export function liveCxone (authBase: string, dfoBase: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { mode: 'live', authUrl: `${authBase}/auth/token`, apiBaseUrl: dfoBase, ...ACCESS, retryBase: '20ms', retryMax: '200ms', timeout: '2s', threadStatusInterval: '1h', ...extra }
}
