import type { Test } from 'tap'
import { join } from 'node:path'
import { randomBytes, randomUUID } from 'node:crypto'
import { startSandbox } from '../../core/sandbox/index.js'
import { SqliteStore } from '../../core/store/sqlite.js'
import { RedisStore } from '../../core/store/redis.js'
import type { Store } from '../../core/store/types.js'
import { TEST_CONSOLE_TOKEN, cxoneToken, eventually, http, startHub, type StartedHub } from '../helper.js'
import { startFakePlatform } from '../fake-platform.js'
import { deletePrefix } from '../ha/cluster.js'
import { testDir } from '../test-dir.js'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
export type Driver = 'sqlite' | 'redis'

/** One tenant of the rig: its CXone stand-in (a standalone sandbox on its own port), its platform and its client. */
export interface RigTenant {
  readonly id: string
  readonly channelId: string
  readonly cxoneChannelId: string
  /** the stand-in's base URL (ends in /sandbox) */
  readonly cxoneUrl: string
  readonly platform: Awaited<ReturnType<typeof startFakePlatform>>
  readonly client: { clientId: string, clientSecret: string }
  /** closes the stand-in: this tenant's CXone is down (connection refused) */
  readonly stopCxone: () => Promise<void>
}

export interface TenantsRig {
  hub: StartedHub
  acme: RigTenant
  globex: RigTenant
  /** a bearer token of the tenant's client, as its CXone gets one */
  tokenOf: (tenant: RigTenant) => Promise<string>
}

export interface RigOptions {
  /** both tenants use this CXone channel id (CXone channel ids are unique per tenant only) */
  sharedCxoneChannelId?: string
  /** merged into the hub's config (test/helper.ts testConfig) */
  hub?: Record<string, unknown>
  /** merged into each tenant's cxone block */
  cxone?: Record<string, unknown>
}

/** A store of the driver's kind for the hub, closed (and for Redis its keys removed) on teardown. */
async function hubStore (t: Test, driver: Driver, dir: string): Promise<Store> {
  if (driver === 'sqlite') {
    const store = new SqliteStore(join(dir, 'hub.db'))
    t.teardown(() => store.close())
    return store
  }
  const prefix = `tenants-${randomUUID().slice(0, 8)}:`
  const store = await RedisStore.connect(REDIS_URL, prefix)
  t.teardown(async () => { await store.close(); await deletePrefix(REDIS_URL, prefix) })
  return store
}

/**
 * A hub with two tenants, acme and globex, each in live mode against a CXone stand-in of its own: a standalone
 * sandbox (`startSandbox`, as `byoc-hub sandbox` serves it) on port 0 with its own SQLite file, its own access key,
 * calling the hub back with its own client. Each tenant has one recorder channel posting to a platform of its own.
 */
export async function startTenantsRig (t: Test, driver: Driver, opts: RigOptions = {}): Promise<TenantsRig> {
  const dir = testDir(t, {})
  let box = 'http://127.0.0.1:9/unset'
  const tenants: RigTenant[] = []
  const blocks: Array<Record<string, unknown>> = []
  for (const id of ['acme', 'globex']) {
    const key = { accessKeyId: `${id}-key`, accessKeySecret: randomBytes(24).toString('base64url') }
    const client = { clientId: `${id}-cxone`, clientSecret: randomBytes(32).toString('base64url') }
    const cxoneChannelId = opts.sharedCxoneChannelId ?? `chat_${id}`
    const sandboxStore = new SqliteStore(join(dir, `${id}-cxone.db`))
    const sandbox = await startSandbox({
      consoleToken: TEST_CONSOLE_TOKEN, store: sandboxStore, port: 0, ...key, tokenTtlMs: 3_600_000, brandId: id === 'acme' ? 11 : 22,
      hub: { boxUrl: () => box, tokenUrl: () => `${box}/1.0/token`, ...client },
      channels: [{ id: cxoneChannelId, name: `${id} chat` }]
    })
    let closed = false
    const stopCxone = async (): Promise<void> => { if (!closed) { closed = true; await sandbox.close() } }
    t.teardown(async () => { await stopCxone(); await sandboxStore.close() })
    const platform = await startFakePlatform(t)
    const channelId = `${id}-chat`
    tenants.push({ id, channelId, cxoneChannelId, cxoneUrl: sandbox.url, platform, client, stopCxone })
    blocks.push({
      id,
      name: id === 'acme' ? 'Acme Corp' : 'Globex',
      cxone: {
        mode: 'live', authUrl: `${sandbox.url}/auth/token`, apiBaseUrl: sandbox.url, ...key,
        retries: 20, retryBase: '20ms', retryMax: '200ms', timeout: '2s', threadStatusInterval: '1s', ...opts.cxone
      },
      auth: { clients: [client] },
      channels: [{ id: channelId, plugin: './test/fixtures/plugins/recorder', cxoneChannelId, name: `${id} chat`, config: { deliverUrl: platform.url } }]
    })
  }
  const store = await hubStore(t, driver, dir)
  // no top-level clients or channels: there is no tenant `default`, only acme and globex
  const hub = await startHub(t, { auth: { clients: [] }, channels: [], tenants: blocks, rules: { idle: { enabled: false } }, ...opts.hub }, { dir, store })
  box = hub.box
  const [acme, globex] = tenants as [RigTenant, RigTenant]
  return { hub, acme, globex, tokenOf: (tenant) => cxoneToken(hub, tenant.client) }
}

/** A customer message on the tenant's channel, as its platform posts it; returns the hub's thread id. */
export async function customerSays (rig: TenantsRig, tenant: RigTenant, customerId: string, text: string): Promise<string> {
  const body = { customerId, messageId: `${customerId}-${randomUUID()}`, text }
  // as a platform does: a 503 (the hub shedding load on a busy machine) is sent again, the same message id
  const res = await eventually(async () => {
    const r = await http('POST', `${rig.hub.url}/channels/${tenant.channelId}/inbound`, body)
    return r.status !== 503 && r
  }, 30_000, `${tenant.id}'s inbound accepted`)
  if (res.status !== 202) throw new Error(`inbound answered ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body.messages[0].threadId
}
