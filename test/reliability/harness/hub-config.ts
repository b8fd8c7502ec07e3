import { join } from 'node:path'
import { ROOT } from '../../helper.js'

/**
 * A live-mode hub config for a process test that only needs the CXone-facing API: CXone's own side points nowhere
 * (the hub calls it only to deliver customer messages, which these tests do not send).
 */
export function liveHubConfig (port: number, dir: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  const { server, ...rest } = over as { server?: Record<string, unknown> }
  return {
    server: { ...server, host: '127.0.0.1', port },
    cxone: { mode: 'live', authUrl: 'http://127.0.0.1:9/auth/token', apiBaseUrl: 'http://127.0.0.1:9', accessKeyId: 'ak', accessKeySecret: 'issued-by-cxone' },
    store: { driver: 'sqlite', path: join(dir, 'hub.db') },
    log: { level: 'warn' },
    channels: [{ id: 'recorder', plugin: join(ROOT, 'test/fixtures/plugins/recorder'), cxoneChannelId: 'chat_recorder' }],
    ...rest
  }
}

/** A call every CXone token may make and that changes nothing: M5 recipient validation of an unknown customer. */
export const probePath = '/integration/box/1.0/channel/chat_recorder/recipients/validation'
export const probeBody = { endUserRecipients: [{ idOnExternalPlatform: 'nobody' }] }
/** The probe got past authentication: its answer is about the recipient (400 RECIPIENT_UNKNOWN), not the token. */
export const passedAuth = (res: { status: number, body: any }): boolean => res.status === 400 && res.body?.error?.code === 'BYOC_ERR_RECIPIENT_UNKNOWN' // intentional any: response JSON
