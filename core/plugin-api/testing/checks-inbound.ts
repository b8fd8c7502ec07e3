import type { Test } from 'tap'
import type { ContractSession } from './session.js'
import { sample } from './session.js'
import { CODED_ERROR, errorCode, jsonRequest } from './poll.js'
import type { ContractOptions } from './types.js'

const is2xx = (status: number): boolean => status >= 200 && status < 300

/** Customer -> CXone: relayed once, with a stable id, and nothing unsigned or malformed gets in. */
export async function checkInbound (t: Test, s: ContractSession, options: ContractOptions): Promise<void> {
  const first = sample(s.customerId, 'contract hello')
  let firstId: string | undefined

  await t.test('inbound is relayed to CXone with a stable idOnExternalPlatform', async t => {
    const res = await s.driver.sendInbound(s.env, first, { forge: false })
    t.ok(is2xx(res.status), `platform request accepted (${res.status} ${JSON.stringify(res.body)})`)
    const m = await s.agent.waitForInbound(s.customerId, first.text)
    t.ok(m.idOnExternalPlatform, 'CXone holds it with an idOnExternalPlatform')
    firstId = m.idOnExternalPlatform
    s.thread = m.thread
    const stored = await s.hub.hub.store.getMessage(s.hub.channelId, m.idOnExternalPlatform!)
    t.equal(stored?.direction, 'inbound', 'the hub stored it under the same id')
    t.equal(stored?.threadId, m.thread.idOnExternalPlatform, 'in the thread CXone knows')
  })

  await t.test('a platform retry is deduplicated', async t => {
    const again = await s.driver.sendInbound(s.env, first, { forge: false })
    t.ok(is2xx(again.status), `the retry is acknowledged, not refused (${again.status} ${JSON.stringify(again.body)})`)
    // a later message of the same thread is a barrier: CXone gets a thread's messages in order
    const next = sample(s.customerId, 'contract after-retry')
    t.ok(is2xx((await s.driver.sendInbound(s.env, next, { forge: false })).status), 'next message accepted')
    await s.agent.waitForInbound(s.customerId, next.text)
    const copies = (await s.agent.inbound(s.customerId)).filter(m => m.text === first.text)
    t.equal(copies.length, 1, 'CXone holds the message once')
    t.equal(copies[0]?.idOnExternalPlatform, firstId, 'with the same idOnExternalPlatform as the first delivery')
  })

  await t.test('webhook signatures are rejected when wrong', { skip: options.unsignedBecause ? `unsigned channel: ${options.unsignedBecause}` : false }, async t => {
    const customerId = await s.customer(`${s.customerId}-forged`)
    const forged = sample(customerId, 'contract forged')
    const res = await s.driver.sendInbound(s.env, forged, { forge: true })
    t.ok(res.status === 401 || res.status === 403, `refused with 401/403 (got ${res.status})`)
    t.match(errorCode(res.body) ?? '', CODED_ERROR, `with a coded error (${JSON.stringify(res.body)})`)
    const honest = sample(customerId, 'contract honest')
    t.ok(is2xx((await s.driver.sendInbound(s.env, honest, { forge: false })).status), 'a correctly signed message is accepted')
    await s.agent.waitForInbound(customerId, honest.text)
    t.notOk((await s.agent.inbound(customerId)).some(m => m.text === forged.text), 'the forged message never reached CXone')
  })

  await t.test('errors are coded', async t => {
    const bad = await s.driver.sendMalformed(s.env)
    t.ok(bad.status >= 400 && bad.status < 500, `a body the plugin cannot use is a 4xx (got ${bad.status})`)
    t.match(errorCode(bad.body) ?? '', CODED_ERROR, `{ error: { code, message } } (${JSON.stringify(bad.body)})`)
    const missing = await jsonRequest('GET', `${s.env.channelUrl}/contract-no-such-route`)
    t.equal(missing.status, 404, 'an unknown route under the channel is a 404')
    t.match(errorCode(missing.body) ?? '', CODED_ERROR, 'with a coded error')
  })
}
