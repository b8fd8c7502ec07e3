import t from 'tap'
import { randomBytes } from 'node:crypto'
import { checkAttachmentSeal, newCustomerId, sealAttachment, signCustomerToken, verifyCustomerToken } from '../../../plugins/watering-hole/identity.js'

const secret = randomBytes(32).toString('hex')
const other = randomBytes(32).toString('hex')

const DAY = 86_400_000
const ttl = { ttlMs: 30 * DAY }

t.test('a signed token proves its customer id and issue time', async t => {
  const id = newCustomerId()
  t.match(id, /^a_[A-Za-z0-9_-]{16}$/)
  t.not(newCustomerId(), id, 'ids are random')
  const at = Date.now()
  const token = signCustomerToken(secret, id, at)
  t.same(verifyCustomerToken(secret, token, ttl), { customerId: id, issuedAt: at })
  t.equal(signCustomerToken(secret, id, at), token, 'stable for one id and issue time')
  t.not(signCustomerToken(secret, id, at + 1), token, 'the issue time is part of the token')
})

t.test('a token expires identityTtl after it was issued, and cannot come from the future', async t => {
  const id = newCustomerId()
  const now = Date.now()
  t.ok(verifyCustomerToken(secret, signCustomerToken(secret, id, now - 29 * DAY), { ttlMs: 30 * DAY, now }), '29 days old: valid')
  t.equal(verifyCustomerToken(secret, signCustomerToken(secret, id, now - 30 * DAY), { ttlMs: 30 * DAY, now }), undefined, '30 days old: expired')
  t.equal(verifyCustomerToken(secret, signCustomerToken(secret, id, now - 2 * 3_600_000), { ttlMs: 3_600_000, now }), undefined, 'a shorter ttl applies to old tokens at once')
  t.ok(verifyCustomerToken(secret, signCustomerToken(secret, id, now + 60_000), { ttlMs: DAY, now }), 'a minute ahead: another instance\'s clock')
  t.equal(verifyCustomerToken(secret, signCustomerToken(secret, id, now + DAY), { ttlMs: 30 * DAY, now }), undefined, 'a day ahead: refused')
})

t.test('tampered, forged or malformed tokens are refused', async t => {
  const id = newCustomerId()
  const token = signCustomerToken(secret, id)
  const [, iat, sig] = token.split('.') as [string, string, string]
  const victim = newCustomerId()
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)
  const cases: Record<string, unknown> = {
    'another customer id with my signature': `${victim}.${iat}.${sig}`,
    'a later issue time with my signature': `${id}.${(parseInt(iat, 36) + 86_400_000).toString(36)}.${sig}`,
    'one signature character changed': `${id}.${iat}.${flip(sig, 5)}`,
    'last signature character changed': `${id}.${iat}.${flip(sig, sig.length - 1)}`,
    'signature truncated': `${id}.${iat}.${sig.slice(0, -2)}`,
    'signed with another secret': signCustomerToken(other, id),
    'a v1 token (no issue time)': `${id}.${sig}`,
    'no signature': `${id}.${iat}`,
    'empty signature': `${id}.${iat}.`,
    'an extra part': `${token}.x`,
    'empty string': '',
    'not a string': 42,
    undefined,
    'malformed id': `../etc.${iat}.${sig}`,
    huge: 'a'.repeat(10_000)
  }
  for (const [name, value] of Object.entries(cases)) t.equal(verifyCustomerToken(secret, value, ttl), undefined, name)
})

t.test('attachment seals bind the customer and every field', async t => {
  const id = newCustomerId()
  const a = { url: 'http://x/at_1', mimeType: 'image/png', friendlyName: 'p.png' }
  const seal = sealAttachment(secret, id, a)
  t.ok(checkAttachmentSeal(secret, id, { ...a, seal }))
  t.notOk(checkAttachmentSeal(secret, newCustomerId(), { ...a, seal }), 'another customer')
  t.notOk(checkAttachmentSeal(secret, id, { ...a, url: 'http://evil/x', seal }), 'another url')
  t.notOk(checkAttachmentSeal(secret, id, { ...a, mimeType: 'text/html', seal }), 'another type')
  t.notOk(checkAttachmentSeal(secret, id, { ...a, seal: 'nope' }), 'garbage seal')
})
