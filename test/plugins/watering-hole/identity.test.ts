import t from 'tap'
import { randomBytes } from 'node:crypto'
import { checkAttachmentSeal, newCustomerId, sealAttachment, signCustomerToken, verifyCustomerToken } from '../../../plugins/watering-hole/identity.js'

const secret = randomBytes(32).toString('hex')
const other = randomBytes(32).toString('hex')

t.test('a signed token proves its customer id', async t => {
  const id = newCustomerId()
  t.match(id, /^a_[A-Za-z0-9_-]{16}$/)
  t.not(newCustomerId(), id, 'ids are random')
  const token = signCustomerToken(secret, id)
  t.equal(verifyCustomerToken(secret, token), id)
  t.equal(signCustomerToken(secret, id), token, 'stable: the same id always gets the same token')
})

t.test('tampered, forged or malformed tokens are refused', async t => {
  const id = newCustomerId()
  const token = signCustomerToken(secret, id)
  const [, sig] = token.split('.')
  const victim = newCustomerId()
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)
  const cases: Record<string, unknown> = {
    'another customer id with my signature': `${victim}.${sig}`,
    'one signature character changed': `${id}.${flip(sig, 5)}`,
    'last signature character changed': `${id}.${flip(sig, sig.length - 1)}`,
    'signature truncated': `${id}.${sig.slice(0, -2)}`,
    'signed with another secret': signCustomerToken(other, id),
    'no signature': id,
    'empty signature': `${id}.`,
    'empty string': '',
    'not a string': 42,
    undefined,
    'malformed id': `../etc.${sig}`,
    'huge': 'a'.repeat(10_000)
  }
  for (const [name, value] of Object.entries(cases)) t.equal(verifyCustomerToken(secret, value), undefined, name)
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
