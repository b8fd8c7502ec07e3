import type { Test } from 'tap'
import { startHub, http, type StartedHub } from '../../helper.js'
import { startRecordingCxone, liveCxone, type RecordingCxone } from './cxone-recorder.js'
import { startRecordingPlatform, type RecordingPlatform } from './platform-recorder.js'
import { startFaultProxy, type FaultProxy } from './fault-proxy.js'

export interface Accepted { messageId: string, threadId: string, text: string }

export interface Rig {
  hub: StartedHub
  cxone: RecordingCxone
  /** between the hub and CXone's DFO API (tokens go straight to CXone) */
  proxy: FaultProxy
  platform: RecordingPlatform
  /** customer messages the hub answered 202 to: the promise the invariants hold it to */
  accepted: Accepted[]
  /** POST a customer message through the recorder channel; records it when accepted */
  send (customerId: string, messageId: string, text?: string): Promise<{ status: number, body: any }> // intentional any: response JSON
}

/**
 * A hub wired to a recording CXone through a TCP fault proxy, and to a recording platform: every hop is real
 * HTTP on loopback. `hubOverrides` merge into the test config (e.g. delivery, cxone timeouts, rules).
 */
export async function startRig (t: Test, hubOverrides: Record<string, unknown> = {}): Promise<Rig> {
  const cxone = await startRecordingCxone(t, [{ id: 'chat_recorder', name: 'Recorder' }])
  const proxy = await startFaultProxy({ port: cxone.port })
  t.teardown(() => proxy.close())
  const platform = await startRecordingPlatform(t)
  const { cxone: cxoneExtra, ...rest } = hubOverrides as { cxone?: Record<string, unknown> }
  const hub = await startHub(t, {
    cxone: liveCxone(cxone.url, `${proxy.url}/sandbox`, cxoneExtra ?? {}),
    channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: { deliverUrl: platform.url } }],
    ...rest
  })
  cxone.setHubUrl(hub.url)
  const accepted: Accepted[] = []
  return {
    hub, cxone, proxy, platform, accepted,
    send: async (customerId, messageId, text = messageId) => {
      const res = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId, messageId, text })
      if (res.status === 202 && !res.body.messages[0].duplicate) accepted.push({ messageId, threadId: res.body.messages[0].threadId, text })
      return res
    }
  }
}
