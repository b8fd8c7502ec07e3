import t, { type Test } from 'tap'
import { startHub, cxoneToken, http, eventually, type StartedHub } from '../../helper.js'
import { startFakePlatform } from '../../fake-platform.js'
import { AttachmentKeeper } from '../../../core/attachments/keeper.js'

async function hubWithRecorder (t: Test, overrides: Record<string, unknown>) {
  const platform = await startFakePlatform(t)
  const hub = await startHub(t, {
    ...overrides,
    channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', name: 'Recorder', config: { deliverUrl: platform.url } }]
  })
  return { hub, platform }
}

/** An agent file as DFO holds it: uploaded to the tenant (C16), which answers a signed, expiring URL. */
async function dfoFile (hub: StartedHub, content: Buffer, mimeType: string): Promise<string> {
  const tok = await http('POST', `${hub.sandboxUrl}/auth/token`, `grant_type=password&username=${hub.config.sandbox.accessKeyId}&password=${hub.config.sandbox.accessKeySecret}`, { 'content-type': 'application/x-www-form-urlencoded' })
  const up = await http('POST', `${hub.sandboxUrl}/dfo/3.0/attachments/temporary`, { content: content.toString('base64'), mimeType }, { authorization: `Bearer ${tok.body.access_token}` })
  return up.body.url
}

async function agentSends (hub: StartedHub, threadId: string, attachments: Array<{ friendlyName: string, url: string, mimeType?: string }>) {
  const res = await http('POST', `${hub.box}/2.0/channel/chat_recorder/outbound`, {
    thread: { idOnExternalPlatform: threadId }, messageContent: { type: 'TEXT', payload: { text: 'your files' } }, attachments
  }, { authorization: `Bearer ${await cxoneToken(hub)}` })
  if (res.status !== 200) throw new Error(`outbound ${res.status} ${JSON.stringify(res.body)}`)
}

const expired = (url: string) => eventually(async () => (await fetch(url)).status === 403, 10_000, 'CXone\'s signed URL to expire')

t.test('agent attachments open from the history after DFO\'s signed URL has expired; CXone\'s URL is never handed on', async t => {
  const { hub, platform } = await hubWithRecorder(t, { sandbox: { attachmentUrlTtl: '1s' } })
  const started = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'oryx', messageId: 'att-1', text: 'send me the receipt' })
  const threadId = started.body.messages[0].threadId
  const pdf = Buffer.from('%PDF-1.4 receipt for one oryx')
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')
  const pdfUrl = await dfoFile(hub, pdf, 'application/pdf')
  const pngUrl = await dfoFile(hub, png, 'image/png')
  await agentSends(hub, threadId, [
    { friendlyName: 'receipt <1>.pdf', url: pdfUrl, mimeType: 'application/pdf' },
    { friendlyName: 'map.png', url: pngUrl },
    { friendlyName: 'our site', url: 'https://example.com/opening-hours' }
  ])

  const delivered = await eventually(() => platform.messages.find(m => m.text.startsWith('your files')), 10_000, 'delivery')
  t.notMatch(delivered.text, '/sandbox/', 'the platform never gets CXone\'s URL')
  t.match(delivered.text, `${hub.url}/attachments/`)
  t.match(delivered.text, 'our site: https://example.com/opening-hours', 'a link that is not CXone\'s passes through as it is')
  const history = (await hub.store.listMessages('recorder', threadId)).find(m => m.direction === 'outbound')!
  t.notOk(history.attachments.some(a => a.url.includes('/sandbox/')), 'nor does the history')
  const [pdfCopy, pngCopy] = history.attachments.map(a => a.url)

  await expired(pdfUrl)
  await expired(pngUrl)
  const file = await fetch(pdfCopy!)
  t.equal(file.status, 200, 'the copy opens after CXone\'s link expired')
  t.same(Buffer.from(await file.arrayBuffer()), pdf)
  t.equal(file.headers.get('content-type'), 'application/pdf')
  t.equal(file.headers.get('x-content-type-options'), 'nosniff')
  t.equal(file.headers.get('content-disposition'), 'attachment; filename="receipt <1>.pdf"; filename*=UTF-8\'\'receipt%20%3C1%3E.pdf')
  const image = await fetch(pngCopy!)
  t.same(Buffer.from(await image.arrayBuffer()), png)
  t.match(image.headers.get('content-disposition'), /^inline;/, 'images show in the page')
  t.equal(image.headers.get('content-type'), 'image/png', 'the type DFO served is kept')

  const guessed = pdfCopy!.replace(/[^/]+$/, 'A'.repeat(32))
  const unknown = await http('GET', guessed)
  t.equal(unknown.status, 404)
  t.equal(unknown.body.error.code, 'BYOC_ERR_ATTACHMENT_UNKNOWN')

  const keeper = new AttachmentKeeper({ store: hub.store, selfUrl: () => hub.url, cxoneBase: async () => hub.sandboxUrl, maxBytes: 1, timeoutMs: 1000 })
  t.equal(await keeper.forget(threadId), 2, 'deleted with the conversation')
  t.equal((await fetch(pdfCopy!)).status, 404)
})

t.test('over the size bound: not copied, and once CXone\'s link expired the hub says so clearly (410)', async t => {
  const { hub, platform } = await hubWithRecorder(t, { sandbox: { attachmentUrlTtl: '1s' }, cxone: { attachmentCopyMaxBytes: 16 } })
  const started = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'eland', messageId: 'att-big', text: 'the big file please' })
  const threadId = started.body.messages[0].threadId
  const url = await dfoFile(hub, Buffer.alloc(64, 'x'), 'text/plain')
  await agentSends(hub, threadId, [{ friendlyName: 'big.txt', url }])
  await eventually(() => platform.messages.find(m => m.text.startsWith('your files')), 10_000, 'delivery')
  const copy = (await hub.store.listMessages('recorder', threadId)).find(m => m.direction === 'outbound')!.attachments[0]!.url
  t.match(copy, `${hub.url}/attachments/`)
  await expired(url)
  const gone = await http('GET', copy)
  t.equal(gone.status, 410)
  t.equal(gone.body.error.code, 'BYOC_ERR_ATTACHMENT_NOT_KEPT')
  t.match(gone.body.error.message, 'cxone.attachmentCopyMaxBytes')
})
