import t from 'tap'
import { createHash } from 'node:crypto'
import { jsonRequest, type ContractDriver, type ContractEnv, type PlatformDelivery } from '@byoc-hub/plugin-kit'
import wateringHole from '../../../plugins/watering-hole/index.js'
import { identify, WidgetClient } from './ws-client.js'
import { contractWithTap } from '../../contract-with-tap.js'

/** The widget's socket as the platform: customers get ids from /identity and talk over /ws; agents' words arrive as frames. */
function widgetDriver (): ContractDriver {
  const customers = new Map<string, { token: string, ws?: WidgetClient }>()
  const opened: WidgetClient[] = []

  const connect = async (env: ContractEnv, token: string): Promise<WidgetClient> => {
    const ws = await WidgetClient.open(env.hubUrl)
    opened.push(ws)
    if (opened.length === 1) env.onClose(() => Promise.all(opened.map(w => w.close())))
    ws.send({ type: 'hello', token })
    return ws
  }
  const socketOf = async (env: ContractEnv, customerId: string): Promise<WidgetClient> => {
    const c = customers.get(customerId)
    if (!c) throw new Error(`unknown customer ${customerId}`)
    if (!c.ws) {
      c.ws = await connect(env, c.token)
      await c.ws.next(f => f.type === 'welcome')
    }
    return c.ws
  }
  // the widget's clientMessageId is a UUID, the same on every resend: derive one from the kit's message id
  const uuidOf = (id: string): string => {
    const h = createHash('sha256').update(id).digest('hex')
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`
  }
  const asDelivery = (f: any): PlatformDelivery | undefined => { // intentional any: socket frames
    if (f.type === 'message' && f.entry.direction === 'outbound') return { kind: 'message', text: f.entry.text, attachmentUrls: f.entry.attachments.map((a: { url: string }) => a.url) }
    if (f.type === 'typing') return { kind: 'typing', on: f.on === true }
    if (f.type === 'thread-closed') return { kind: 'closed' }
    return undefined
  }

  return {
    config: () => ({ identitySecret: 'contract-identity-secret-0123456789abcdef' }),
    resolveCustomer: async (env, label) => {
      const me = await identify(env.hubUrl, label.slice(0, 40))
      customers.set(me.customerId, { token: me.token })
      return me.customerId
    },
    sendInbound: async (env, s, { forge }) => {
      if (forge) {
        const token = customers.get(s.customerId)!.token
        const ws = await connect(env, `${token.slice(0, -2)}AA`)
        const err = await ws.next(f => f.type === 'error')
        return { status: 401, body: { error: { code: err.code, message: err.message } } }
      }
      const ws = await socketOf(env, s.customerId)
      const clientMessageId = uuidOf(s.messageId)
      const from = ws.frames.length
      ws.send({ type: 'message', clientMessageId, text: s.text })
      const answer = await ws.next(f => (f.type === 'ack' || f.type === 'error') && f.clientMessageId === clientMessageId, 10_000, from)
      return answer.type === 'ack' ? { status: 202, body: answer } : { status: 400, body: { error: { code: answer.code, message: answer.message } } }
    },
    sendMalformed: (env) => jsonRequest('POST', `${env.channelUrl}/identity`, { name: '', avatar: 42 }),
    observe: async (env, customerId) => {
      const ws = await socketOf(env, customerId)
      return () => ws.frames.map(asDelivery).filter((d): d is PlatformDelivery => d !== undefined)
    }
  }
}

t.test('the Watering Hole passes the channel contract', async t => {
  await contractWithTap(t, wateringHole, { driver: widgetDriver() })
})
