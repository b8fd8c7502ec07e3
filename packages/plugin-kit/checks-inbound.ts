import assert from 'node:assert/strict'
import type { ContractSession } from './session.js'
import { sample } from './session.js'
import { CODED_ERROR, errorCode, jsonRequest } from './poll.js'
import type { ContractCheck, ContractOptions } from './types.js'

const is2xx = (status: number): boolean => status >= 200 && status < 300

/** Customer -> CXone: relayed once, with a stable id, and nothing unsigned or malformed gets in. */
export function inboundChecks (s: ContractSession, options: ContractOptions): ContractCheck[] {
  const first = sample(s.customerId, 'contract hello')
  let firstId: string | undefined

  return [{
    name: 'inbound is relayed to CXone with a stable idOnExternalPlatform',
    async run () {
      const res = await s.driver.sendInbound(s.env, first, { forge: false })
      assert.ok(is2xx(res.status), `platform request accepted (${res.status} ${JSON.stringify(res.body)})`)
      const m = await s.agent.waitForInbound(s.customerId, first.text)
      assert.ok(m.idOnExternalPlatform, 'CXone holds it with an idOnExternalPlatform')
      firstId = m.idOnExternalPlatform
      s.thread = m.thread
      const stored = await s.hub.hub.storedMessage(s.hub.channelId, m.idOnExternalPlatform)
      assert.equal(stored?.direction, 'inbound', 'the hub stored it under the same id')
      assert.equal(stored?.threadId, m.thread.idOnExternalPlatform, 'in the thread CXone knows')
    }
  }, {
    name: 'a platform retry is deduplicated',
    async run () {
      const again = await s.driver.sendInbound(s.env, first, { forge: false })
      assert.ok(is2xx(again.status), `the retry is acknowledged, not refused (${again.status} ${JSON.stringify(again.body)})`)
      // a later message of the same thread is a barrier: CXone gets a thread's messages in order
      const next = sample(s.customerId, 'contract after-retry')
      assert.ok(is2xx((await s.driver.sendInbound(s.env, next, { forge: false })).status), 'next message accepted')
      await s.agent.waitForInbound(s.customerId, next.text)
      const copies = (await s.agent.inbound(s.customerId)).filter(m => m.text === first.text)
      assert.equal(copies.length, 1, 'CXone holds the message once')
      assert.equal(copies[0]?.idOnExternalPlatform, firstId, 'with the same idOnExternalPlatform as the first delivery')
    }
  }, {
    name: 'webhook signatures are rejected when wrong',
    ...(options.unsignedBecause ? { skip: `unsigned channel: ${options.unsignedBecause}` } : {}),
    async run () {
      const customerId = await s.customer(`${s.customerId}-forged`)
      const forged = sample(customerId, 'contract forged')
      const res = await s.driver.sendInbound(s.env, forged, { forge: true })
      assert.ok(res.status === 401 || res.status === 403, `refused with 401/403 (got ${res.status})`)
      assert.match(errorCode(res.body) ?? '', CODED_ERROR, `with a coded error (${JSON.stringify(res.body)})`)
      const honest = sample(customerId, 'contract honest')
      assert.ok(is2xx((await s.driver.sendInbound(s.env, honest, { forge: false })).status), 'a correctly signed message is accepted')
      await s.agent.waitForInbound(customerId, honest.text)
      assert.ok(!(await s.agent.inbound(customerId)).some(m => m.text === forged.text), 'the forged message never reached CXone')
    }
  }, {
    name: 'errors are coded',
    async run () {
      const bad = await s.driver.sendMalformed(s.env)
      assert.ok(bad.status >= 400 && bad.status < 500, `a body the plugin cannot use is a 4xx (got ${bad.status})`)
      assert.match(errorCode(bad.body) ?? '', CODED_ERROR, `{ error: { code, message } } (${JSON.stringify(bad.body)})`)
      const missing = await jsonRequest('GET', `${s.env.channelUrl}/contract-no-such-route`)
      assert.equal(missing.status, 404, 'an unknown route under the channel is a 404')
      assert.match(errorCode(missing.body) ?? '', CODED_ERROR, 'with a coded error')
    }
  }]
}
