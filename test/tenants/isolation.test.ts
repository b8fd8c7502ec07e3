import t from 'tap'
import { eventually, http } from '../helper.js'
import { sandboxThread, waitForSandboxMessages } from '../sandbox-view.js'
import { parseExposition, scrape, sum } from '../observability/support.js'
import { customerSays, startTenantsRig, type Driver, type RigTenant, type TenantsRig } from './rig.js'

// Two tenants on one hub, each with a CXone stand-in of its own: what one tenant's CXone may reach, on both drivers.

/** The agent at the tenant's own CXone console answers the thread; returns when the tenant's platform has it. */
async function agentReplies (rig: TenantsRig, tenant: RigTenant, threadId: string, text: string): Promise<void> {
  const view = await eventually(() => sandboxThread(tenant.cxoneUrl, threadId), 15_000, `${tenant.id}'s CXone holds the thread`)
  const res = await http('POST', `${tenant.cxoneUrl}/console/api/threads/${encodeURIComponent(view.thread.id)}/reply`, { text })
  if (res.status !== 200) throw new Error(`reply answered ${res.status}: ${JSON.stringify(res.body)}`)
  await eventually(() => tenant.platform.messages.find(m => m.text === text), 15_000, `${tenant.id}'s platform gets '${text}'`)
}

for (const driver of ['sqlite', 'redis'] as Driver[]) {
  t.test(`${driver}: each tenant's messages reach only its own CXone, and each agent's reply only its own platform`, async t => {
    const rig = await startTenantsRig(t, driver, { hub: { metrics: { port: 0 } } })
    const { acme, globex } = rig
    const acmeThread = await customerSays(rig, acme, 'wile', 'hello acme')
    const globexThread = await customerSays(rig, globex, 'hank', 'hello globex')
    t.equal((await waitForSandboxMessages(acme.cxoneUrl, acmeThread, 1))[0].text, 'hello acme', 'acme\'s message at acme\'s CXone')
    t.equal((await waitForSandboxMessages(globex.cxoneUrl, globexThread, 1))[0].text, 'hello globex', 'globex\'s message at globex\'s CXone')
    t.equal(await sandboxThread(acme.cxoneUrl, globexThread), undefined, 'acme\'s CXone never saw globex\'s conversation')
    t.equal(await sandboxThread(globex.cxoneUrl, acmeThread), undefined, 'globex\'s CXone never saw acme\'s conversation')

    await agentReplies(rig, acme, acmeThread, 'acme agent here')
    await agentReplies(rig, globex, globexThread, 'globex agent here')
    t.notOk(acme.platform.messages.some(m => m.text === 'globex agent here'), 'acme\'s platform got nothing of globex\'s')
    t.notOk(globex.platform.messages.some(m => m.text === 'acme agent here'), 'globex\'s platform got nothing of acme\'s')

    const e = parseExposition((await scrape(rig.hub.hub.metricsUrl!())).text)
    for (const tenant of ['acme', 'globex']) {
      t.ok(sum(e, 'byoc_cxone_request_duration_seconds_count', { operation: 'createMessage', outcome: 'ok', tenant }) >= 1, `CXone calls labelled ${tenant}`)
      t.ok(sum(e, 'byoc_cxone_token_fetch_duration_seconds_count', { outcome: 'ok', tenant }) >= 1, `token fetches labelled ${tenant}`)
      t.ok(sum(e, 'byoc_outbox_job_duration_seconds_count', { kind: 'dfo.createMessage', outcome: 'done', tenant }) >= 1, `jobs labelled ${tenant}`)
      t.ok(sum(e, 'byoc_outbox_job_duration_seconds_count', { kind: 'platform.deliver', outcome: 'done', tenant }) >= 1, `deliveries labelled ${tenant}`)
    }
    t.notOk(e.samples.some(s => s.name.startsWith('byoc_cxone_request_duration_seconds') && s.labels.tenant === 'default'), 'no tenant default: the config has none')
  })

  t.test(`${driver}: one tenant's client cannot reach another tenant's channels (404 CHANNEL_UNKNOWN), and its own still answer`, async t => {
    const rig = await startTenantsRig(t, driver)
    const { acme, globex } = rig
    const globexThread = await customerSays(rig, globex, 'hank', 'hello globex')
    await waitForSandboxMessages(globex.cxoneUrl, globexThread, 1)
    const acmeAuth = { authorization: `Bearer ${await rig.tokenOf(acme)}` }
    const globexAuth = { authorization: `Bearer ${await rig.tokenOf(globex)}` }
    const reply = { thread: { idOnExternalPlatform: globexThread }, messageContent: { type: 'TEXT', payload: { text: 'from the wrong tenant' } }, endUserRecipients: [{ idOnExternalPlatform: 'hank' }] }
    // by CXone's channel id and by the hub's: another tenant's channel does not exist for this client
    for (const channel of [globex.cxoneChannelId, globex.channelId]) {
      const calls: Array<[string, unknown]> = [
        [`/2.0/channel/${channel}/outbound`, reply],
        [`/1.0/channel/${channel}/thread/${globexThread}/sender-action`, { senderAction: { action: 'isTypingOn' } }],
        [`/1.0/channel/${channel}/recipients/validation`, { endUserRecipients: [{ idOnExternalPlatform: 'hank' }] }]
      ]
      for (const [path, body] of calls) {
        const res = await http('POST', `${rig.hub.box}${path}`, body, acmeAuth)
        t.equal(res.status, 404, `${path} with acme's token`)
        t.equal(res.body?.error?.code ?? res.body?.code, 'BYOC_ERR_CHANNEL_UNKNOWN', path)
      }
    }
    // the legacy reply names only a thread: another tenant's thread is unknown to this client
    const legacy = await http('POST', `${rig.hub.box}/1.0/posts/${globexThread}/messages`, reply, acmeAuth)
    t.equal(legacy.status, 404, 'M2 reply to another tenant\'s thread')
    t.equal(globex.platform.messages.length, 0, 'nothing reached globex\'s platform')
    // the same calls with globex's own token go through
    t.equal((await http('POST', `${rig.hub.box}/1.0/channel/${globex.cxoneChannelId}/recipients/validation`, { endUserRecipients: [{ idOnExternalPlatform: 'hank' }] }, globexAuth)).status, 200)
    t.equal((await http('POST', `${rig.hub.box}/2.0/channel/${globex.cxoneChannelId}/outbound`, { ...reply, messageContent: { type: 'TEXT', payload: { text: 'right tenant' } } }, globexAuth)).status, 200)
    await eventually(() => globex.platform.messages.find(m => m.text === 'right tenant'), 15_000, 'globex\'s own reply delivered')
  })

  t.test(`${driver}: the same CXone channel id in both tenants resolves to the caller's own channel`, async t => {
    const rig = await startTenantsRig(t, driver, { sharedCxoneChannelId: 'chat_shared' })
    const { acme, globex } = rig
    const acmeThread = await customerSays(rig, acme, 'wile', 'acme on the shared id')
    const globexThread = await customerSays(rig, globex, 'hank', 'globex on the shared id')
    await waitForSandboxMessages(acme.cxoneUrl, acmeThread, 1)
    await waitForSandboxMessages(globex.cxoneUrl, globexThread, 1)
    await agentReplies(rig, acme, acmeThread, 'acme reply on chat_shared')
    await agentReplies(rig, globex, globexThread, 'globex reply on chat_shared')
    t.same(acme.platform.messages.map(m => m.text), ['acme reply on chat_shared'], 'acme\'s platform: its own reply only')
    t.same(globex.platform.messages.map(m => m.text), ['globex reply on chat_shared'], 'globex\'s platform: its own reply only')
    // acme's token on chat_shared is acme's channel: a globex thread id there is not acme's
    const res = await http('POST', `${rig.hub.box}/2.0/channel/chat_shared/outbound`, {
      thread: { idOnExternalPlatform: globexThread }, messageContent: { type: 'TEXT', payload: { text: 'crossing over' } }
    }, { authorization: `Bearer ${await rig.tokenOf(acme)}` })
    t.equal(res.status, 404, 'globex\'s thread is unknown on acme\'s chat_shared')
    t.notOk(globex.platform.messages.some(m => m.text === 'crossing over'))
  })
}

t.test('the admin API is the operator\'s across tenants: ?tenant= narrows dead letters; the action pages know their tenant', async t => {
  const token = 'admin-token-'.padEnd(48, 'x')
  const rig = await startTenantsRig(t, 'sqlite', { hub: { admin: { token } } })
  const { hub, acme, globex } = rig
  // a job of each tenant's channel that gives up at once (a kind no handler knows: a dead letter, not retried)
  for (const tenant of [acme, globex]) await hub.store.enqueue({ kind: 'test.no-handler', orderKey: `dead:${tenant.id}`, payload: { channelId: tenant.channelId } })
  hub.hub.worker.kick()
  await eventually(async () => (await hub.store.listJobs({ state: 'dead' })).length === 2, 15_000, 'two dead letters')
  const auth = { authorization: `Bearer ${token}` }
  const list = async (q: string) => await http('GET', `${hub.url}/admin/dead-letters${q}`, undefined, auth)
  t.same((await list('')).body.deadLetters.map((d: { orderKey: string }) => d.orderKey).sort(), ['dead:acme', 'dead:globex'], 'the operator sees every tenant\'s')
  const acmeOnly = await list('?tenant=acme')
  t.equal(acmeOnly.status, 200)
  t.same(acmeOnly.body.deadLetters.map((d: { orderKey: string }) => d.orderKey), ['dead:acme'], '?tenant=acme: acme\'s only')
  t.same((await list('?tenant=globex')).body.deadLetters.map((d: { orderKey: string }) => d.orderKey), ['dead:globex'])
  const unknown = await list('?tenant=initech')
  t.equal(unknown.status, 404)
  t.equal(unknown.body.error.code, 'BYOC_ERR_TENANT_UNKNOWN')
  t.equal((await http('GET', `${hub.url}/admin/dead-letters?tenant=acme`, undefined, { authorization: `Bearer ${await rig.tokenOf(acme)}` })).status, 401, 'a CXone client\'s token is not the admin token')

  // the action pages: an unknown tenant is refused before any one-time token is checked
  const action = await http('GET', `${hub.box}/actions/add?tenant=initech&userId=1&brandId=11&token=t`)
  t.equal(action.status, 404)
  t.equal(action.body.error.code, 'BYOC_ERR_TENANT_UNKNOWN')
})
