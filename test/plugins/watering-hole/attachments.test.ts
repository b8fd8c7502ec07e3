import t from 'tap'
import { randomUUID } from 'node:crypto'
import { eventually, http, startHub } from '../../helper.js'
import { identify, WH, WidgetClient } from './ws-client.js'

const SECRET = 'test-identity-secret-0123456789abcdef'
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')

t.test('attachments: uploaded through DFO, sealed to the customer, size-limited, relayed to the agent', async t => {
  const hub = await startHub(t, { channels: [{ id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: 'chat_watering-hole', config: { identitySecret: SECRET, maxAttachmentBytes: 1024 } }] })
  const me = await identify(hub.url)
  const other = await identify(hub.url, 'Leo', 'lion')
  const upload = (token: string, body: Record<string, unknown>) => http('POST', `${hub.url}${WH}/attachments`, body, { authorization: `Bearer ${token}` })
  const file = { friendlyName: '../../pond.png', mimeType: 'image/png', contentBase64: PNG.toString('base64') }

  const noToken = await http('POST', `${hub.url}${WH}/attachments`, file)
  t.equal(noToken.status, 401)
  t.equal(noToken.body.error.code, 'BYOC_WATERING_HOLE_ERR_TOKEN_INVALID')
  const big = await upload(me.token, { ...file, contentBase64: Buffer.alloc(2048).toString('base64') })
  t.equal(big.status, 413)
  t.equal(big.body.error.code, 'BYOC_WATERING_HOLE_ERR_ATTACHMENT_TOO_LARGE')
  const huge = await upload(me.token, { ...file, contentBase64: Buffer.alloc(64 * 1024).toString('base64') })
  t.equal(huge.status, 413, 'a body far over the limit is cut off')
  const invalid = await upload(me.token, { ...file, mimeType: 'not a type' })
  t.equal(invalid.status, 400)
  t.equal(invalid.body.error.code, 'BYOC_WATERING_HOLE_ERR_INVALID_BODY')

  const ok = await upload(me.token, file)
  t.equal(ok.status, 201, JSON.stringify(ok.body))
  const att = ok.body.attachment
  t.equal(att.friendlyName, 'pond.png', 'path parts stripped')
  t.equal(att.size, PNG.length)

  // another animal cannot send my upload (the seal binds the customer), nor an arbitrary URL
  const thief = await WidgetClient.open(hub.url)
  t.teardown(() => thief.close())
  thief.send({ type: 'hello', token: other.token })
  await thief.next(f => f.type === 'history')
  const { size: _size, ...sealed } = att
  thief.send({ type: 'message', clientMessageId: randomUUID(), text: '', attachments: [sealed] })
  t.equal((await thief.next(f => f.type === 'error')).code, 'BYOC_WATERING_HOLE_ERR_ATTACHMENT_INVALID')

  const ws = await WidgetClient.open(hub.url)
  t.teardown(() => ws.close())
  ws.send({ type: 'hello', token: me.token })
  await ws.next(f => f.type === 'history')
  ws.send({ type: 'message', clientMessageId: randomUUID(), text: 'look', attachments: [{ ...sealed, url: 'https://evil.example/x.png' }] })
  t.equal((await ws.next(f => f.type === 'error')).code, 'BYOC_WATERING_HOLE_ERR_ATTACHMENT_INVALID')
  ws.send({ type: 'message', clientMessageId: randomUUID(), text: 'our pond', attachments: [sealed] })
  const ack = await ws.next(f => f.type === 'ack')
  const echo = await ws.next(f => f.type === 'message' && f.entry.messageId === ack.messageId)
  t.same(echo.entry.attachments.map((a: any) => a.url), [att.url])
  const sbThread = await eventually(async () => ((await http('GET', `${hub.sandboxUrl}/console/api/threads`)).body as any[]).find(th => th.idOnExternalPlatform === ack.threadId), 10_000, 'sandbox thread')
  const msg = await eventually(async () => ((await http('GET', `${hub.sandboxUrl}/console/api/threads/${sbThread.id}`)).body.messages as any[]).find(m => m.text === 'our pond'), 10_000, 'message at the agent')
  t.same(msg.attachments.map((a: any) => a.url), [att.url], 'the agent gets the DFO attachment URL')
  const fetched = await http('GET', att.url)
  t.equal(fetched.status, 200, 'the URL serves the file')
})
