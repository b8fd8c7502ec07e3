import t from 'tap'
import { secretKey, sign, verifySignature } from '../../../plugins/generic-webhook/index.js'
import { getPointer } from '../../../plugins/generic-webhook/json-pointer.js'
import { mapEvent } from '../../../plugins/generic-webhook/mapping.js'
import { MAPPING } from './driver.js'

t.test('signatures match the Standard Webhooks reference vector', async t => {
  // from the standard-webhooks reference libraries' tests
  const key = secretKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')
  const body = Buffer.from('{"test": 2432232314}')
  t.equal(sign(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body), 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')
  t.ok(verifySignature(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', '1614265330', body, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='))
  t.ok(verifySignature(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', '1614265330', body, 'v1,Zm9v v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='), 'any of several (rotation)')
  t.notOk(verifySignature(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', '1614265331', body, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='), 'timestamp is signed')
  t.notOk(verifySignature(key, 'msg_other', '1614265330', body, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='), 'id is signed')
  t.notOk(verifySignature(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', '1614265330', Buffer.from('{"test": 2432232315}'), 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='), 'body is signed')
  t.notOk(verifySignature(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', '1614265330', body, 'v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='), 'only v1 counts')
  t.notOk(verifySignature(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', '1614265330', body, 'v1,'), 'empty signature')
})

t.test('JSON pointers (RFC 6901)', async t => {
  const doc = { a: { 'b/c': [10, { 'd~e': 'x' }] }, '': 1 }
  t.equal(getPointer(doc, '/a/b~1c/0'), 10)
  t.equal(getPointer(doc, '/a/b~1c/1/d~0e'), 'x')
  t.equal(getPointer(doc, '/'), 1)
  t.same(getPointer(doc, ''), doc)
  t.equal(getPointer(doc, '/a/missing'), undefined)
  t.equal(getPointer(doc, '/a/b~1c/01'), undefined, 'no leading zeros')
  t.equal(getPointer(doc, '/a/toString'), undefined, 'own properties only')
  t.equal(getPointer(doc, 'a'), undefined, 'must start with /')
})

t.test('mapping', async t => {
  const event = { user: { id: 42, name: 'Zed' }, message: { id: 'm1', text: 'hi', files: [{ url: 'https://cdn.example/x.png', name: 'x.png', mimeType: 'image/png' }] } }
  const m = mapEvent(event, { ...MAPPING, createdAt: '/message/at' }, Date.parse('2026-01-01T00:00:00Z'))
  t.same(m, {
    messageId: 'm1', customerId: '42', customerName: 'Zed', text: 'hi', createdAt: '2026-01-01T00:00:00.000Z',
    attachments: [{ url: 'https://cdn.example/x.png', friendlyName: 'x.png', mimeType: 'image/png' }]
  }, 'numbers become ids, a missing time is now')
  t.equal(mapEvent({ ...event, message: { ...event.message, at: 1767225600000 } }, { ...MAPPING, createdAt: '/message/at' }).createdAt, '2026-01-01T00:00:00.000Z', 'epoch ms')
  const fail = (doc: unknown, re: RegExp, what: string) => t.throws(() => mapEvent(doc, MAPPING), { code: 'BYOC_GENERIC_WEBHOOK_ERR_MAPPING', statusCode: 422, message: re }, what)
  fail({ message: { id: 'm1', text: 'hi' } }, /customerId at \/user\/id/, 'missing customer')
  fail({ user: { id: 'u' }, message: { text: 'hi' } }, /messageId at \/message\/id/, 'missing message id')
  fail({ user: { id: 'u' }, message: { id: 'x'.repeat(256), text: 'hi' } }, /at most 255/, 'id too long')
  fail({ user: { id: 'u' }, message: { id: 'm', text: 7 } }, /text at \/message\/text must be a string/, 'text of the wrong type')
  fail({ user: { id: 'u' }, message: { id: 'm', text: ' ' } }, /empty/, 'nothing to say')
  fail({ user: { id: 'u' }, message: { id: 'm', text: 'hi', files: [{ url: 'file:///etc/passwd' }] } }, /http\(s\) URL/, 'attachment URL scheme')
})
