import type { Test } from 'tap'
import { RedisStore } from '../../../core/store/redis.js'
import { startHub, type StartedHub } from '../../helper.js'
import { startRecordingCxone, liveCxone, type RecordingCxone } from './cxone-recorder.js'
import { startRecordingPlatform } from './platform-recorder.js'

/**
 * One in-process hub with the recorder channel on a Redis of the test's own (a fault test kills and restarts it),
 * a recording CXone and a recording platform. `dir` is the test's dir holding the Redis data: startHub reuses it,
 * as a second testDir(t) would wipe that data. `overrides` merge into the hub's config (e.g. a shorter delivery lease).
 */
export async function redisHub (t: Test, redisUrl: string, keyPrefix: string, dir: string, overrides: Record<string, unknown> = {}): Promise<{ store: RedisStore, cxone: RecordingCxone, hub: StartedHub }> {
  const store = await RedisStore.connect(redisUrl, keyPrefix)
  t.teardown(() => store.close())
  const cxone = await startRecordingCxone(t, [{ id: 'chat_recorder', name: 'Recorder' }])
  const platform = await startRecordingPlatform(t)
  const hub = await startHub(t, {
    cxone: liveCxone(cxone.url, cxone.url),
    channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: { deliverUrl: platform.url } }],
    ...overrides
  }, { store, dir })
  return { store, cxone, hub }
}
