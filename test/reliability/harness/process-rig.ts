import type { Test } from 'tap'
import { join } from 'node:path'
import { CLIENT, ROOT, http } from '../../helper.js'
import { freePort, spawnHub, writeHubConfig, type HubProcess } from '../../process/spawn-hub.js'
import { SqliteStore } from '../../../core/store/sqlite.js'
import { startRecordingCxone, liveCxone, type RecordingCxone } from './cxone-recorder.js'
import { startRecordingPlatform, type RecordingPlatform } from './platform-recorder.js'
import type { Accepted } from './rig.js'
import { testDir } from '../../test-dir.js'

export interface ProcessRig {
  cxone: RecordingCxone
  platform: RecordingPlatform
  accepted: Accepted[]
  /** the running hub process (replaced by restart) */
  hub (): HubProcess
  restart (): Promise<HubProcess>
  /** the hub's SQLite file, opened by the test (WAL: reads alongside the hub) */
  store: SqliteStore
  send (customerId: string, messageId: string, text?: string): Promise<{ status: number, body: any }> // intentional any: response JSON
}

/**
 * A real hub process (the built CLI, so it can be SIGKILLed) on a SQLite file, wired to the recording CXone and
 * platform in this test process. Needs `npm run build` (npm test runs it first). `nodeArgs` go to the hub's
 * node (e.g. the soak's --trace-gc).
 */
export async function startProcessRig (t: Test, hubConfig: Record<string, unknown> = {}, nodeArgs: string[] = []): Promise<ProcessRig> {
  const dir = testDir(t, {})
  const cxone = await startRecordingCxone(t, [{ id: 'chat_recorder', name: 'Recorder' }])
  const platform = await startRecordingPlatform(t)
  const port = await freePort()
  const { cxone: cxoneExtra, delivery, server, ...rest } = hubConfig as { cxone?: Record<string, unknown>, delivery?: Record<string, unknown>, server?: Record<string, unknown> }
  const configPath = writeHubConfig(dir, 'hub', {
    server: { host: '127.0.0.1', port, shutdownGrace: '5s', ...server },
    auth: { clients: [CLIENT] },
    cxone: liveCxone(cxone.url, cxone.url, { timeout: '5s', ...cxoneExtra }),
    delivery: { lease: '2s', ...delivery },
    store: { driver: 'sqlite', path: join(dir, 'hub.db') },
    log: { level: 'warn' },
    channels: [{ id: 'recorder', plugin: join(ROOT, 'test/fixtures/plugins/recorder'), cxoneChannelId: 'chat_recorder', config: { deliverUrl: platform.url } }],
    ...rest
  })
  cxone.setHubUrl(`http://127.0.0.1:${port}`)
  let hub = await spawnHub(configPath, port, {}, nodeArgs)
  t.teardown(() => hub.kill())
  const store = new SqliteStore(join(dir, 'hub.db'))
  t.teardown(() => store.close())
  const accepted: Accepted[] = []
  return {
    cxone, platform, accepted, store,
    hub: () => hub,
    restart: async () => { hub = await spawnHub(configPath, port, {}, nodeArgs); return hub },
    send: async (customerId, messageId, text = messageId) => {
      const res = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId, messageId, text })
      if (res.status === 202 && !accepted.some(a => a.messageId === messageId)) accepted.push({ messageId, threadId: res.body.messages[0].threadId, text })
      return res
    }
  }
}
