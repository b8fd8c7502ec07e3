import t, { type Test } from 'tap'
import Fastify from 'fastify'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { buildApp } from '../../core/app.js'
import { kHub } from '../../core/symbols.js'
import { SqliteStore } from '../../core/store/sqlite.js'
import { Jobs } from '../../core/conversations/job-kinds.js'
import { ROOT, http, eventually, testConfig } from '../helper.js'
import { sandboxThread } from '../sandbox-view.js'
import { testDir } from '../test-dir.js'

/** A platform that takes its time answering a delivery, and tells when one has arrived. */
async function slowPlatform (t: Test, delayMs: number): Promise<{ url: string, arrived: unknown[] }> {
  const app = Fastify()
  const arrived: unknown[] = []
  app.post('/messages', async (req) => {
    arrived.push(req.body)
    await new Promise(resolve => setTimeout(resolve, delayMs))
    return { ok: true }
  })
  app.post('/signals', async () => ({ ok: true }))
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, arrived }
}

t.test('close drains in order: a delivery in flight finishes and is recorded before the store it writes to closes', async t => {
  const dir = testDir(t, {})
  const platform = await slowPlatform(t, 500)
  const config = testConfig(dir, { channels: [{ id: 'recorder', plugin: './test/fixtures/plugins/recorder', cxoneChannelId: 'chat_recorder', config: { deliverUrl: platform.url } }] })
  // no store given: the app opens the SQLite file itself, so its own onClose closes it
  const app = await buildApp(config, { baseDir: ROOT, timerIntervalMs: 50 })
  await app.listen({ host: '127.0.0.1', port: 0 })
  // closed below as the claim; this one only frees the port when an assertion before it fails (else the file hangs
  // until tap's 180 s timeout)
  t.teardown(() => app.close())
  const url = app[kHub].selfUrl()
  const sent = await http('POST', `${url}/channels/recorder/inbound`, { customerId: 'gnu', messageId: 'drain-1', text: 'hello' })
  t.equal(sent.status, 202)
  const view = await eventually(() => sandboxThread(`${url}/sandbox`, sent.body.messages[0].threadId), 10_000, 'the thread in CXone')
  const reply = await http('POST', `${url}/sandbox/console/api/threads/${encodeURIComponent(view.thread.id)}/reply`, { text: 'on my way' })
  t.equal(reply.status, 200, 'the agent answers')
  await eventually(() => platform.arrived.length > 0, 10_000, 'the delivery at the platform')

  await app.close()
  const store = new SqliteStore(join(dir, 'hub.db'))
  t.teardown(() => store.close())
  t.same(await store.listJobs({ state: 'pending', kind: Jobs.PLATFORM_DELIVER }), [], 'nothing left to deliver again')
  t.equal((await store.listJobs({ state: 'done', kind: Jobs.PLATFORM_DELIVER })).length, 1, 'the delivery is recorded done')
})
