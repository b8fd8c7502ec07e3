import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { CxoneInboundMessageSchema, type CxoneOutboundMessage } from '../../../core/plugin-api/index.js'
import { Value } from 'typebox/value'
import { inbound } from '../../../plugins/watering-hole/inbound.js'
import { outbound } from '../../../plugins/watering-hole/outbound.js'

const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'watering-hole')
const fixtures = readdirSync(dir).filter(f => f.endsWith('.json')).map(f => ({ file: f, ...JSON.parse(readFileSync(join(dir, f), 'utf8')) }))

t.ok(fixtures.some(f => f.file.startsWith('inbound-')) && fixtures.some(f => f.file.startsWith('outbound-')), 'fixtures in both directions')

for (const f of fixtures.filter(f => f.file.startsWith('inbound-'))) {
  t.test(`inbound ${f.file}: ${f.description}`, async t => {
    const frozen = structuredClone(f.event)
    const out = inbound.toCxone(f.event, f.ctx)
    t.same(out, f.expected)
    for (const m of out) t.ok(Value.Check(CxoneInboundMessageSchema, m), 'valid DFO create-message body')
    t.same(f.event, frozen, 'input not mutated')
    t.same(inbound.toCxone(f.event, f.ctx), out, 'deterministic: same event, same ids')
  })
}

for (const f of fixtures.filter(f => f.file.startsWith('outbound-'))) {
  t.test(`outbound ${f.file}: ${f.description}`, async t => {
    const msg = f.message as CxoneOutboundMessage
    if (f.expectedError !== undefined) {
      t.throws(() => outbound.fromCxone(msg, f.ctx), { code: f.expectedError })
      return
    }
    t.same(outbound.fromCxone(msg, f.ctx), f.expected)
  })
}

t.test('outbound keeps long agent text whole (the widget has no length limit for what it shows)', async t => {
  const msg: CxoneOutboundMessage = {
    idOnExternalPlatform: 'x', createdAtWithMilliseconds: '2025-01-01T00:00:00.000Z', thread: { idOnExternalPlatform: 't' },
    messageContent: { type: 'TEXT', payload: { text: 'a'.repeat(9000) } }, recipients: [], attachments: [], raw: {}
  }
  t.equal(outbound.fromCxone(msg, { channelId: 'c' }).text.length, 9000)
})

t.test('message ids are scoped per customer', async t => {
  const base = { clientMessageId: 'same-id-1234', threadId: 't', text: 'x', attachments: [], sentAt: 1 }
  const a = inbound.toCxone({ ...base, customer: { customerId: 'a_AAAAAAAAAAAAAAAA', name: 'A' } }, { channelId: 'c' })
  const b = inbound.toCxone({ ...base, customer: { customerId: 'a_BBBBBBBBBBBBBBBB', name: 'B' } }, { channelId: 'c' })
  t.not(a[0].idOnExternalPlatform, b[0].idOnExternalPlatform)
})
