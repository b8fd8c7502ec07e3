import t from 'tap'
import { http, eventually } from '../../helper.js'
import { sandboxThread, waitForSandboxMessages } from '../../sandbox-view.js'
import { discoverTenant, dfoBaseFor } from '../../../core/cxone/discovery.js'
import { liveHubOnSandbox, SANDBOX_TENANT_ID } from './helpers.js'

t.test('live mode with only cxone.tenantId and discoveryUrl: the hub discovers the tenant and messages flow both ways', async t => {
  const { hub, sandboxUrl, platform } = await liveHubOnSandbox(t)
  t.notOk(hub.config.cxone.authUrl, 'no authUrl configured')
  t.notOk(hub.config.cxone.apiBaseUrl, 'no apiBaseUrl configured')

  const ready = await eventually(async () => { const r = await http('GET', `${hub.url}/health/ready`); return r.status === 200 && r }, 10_000, 'ready')
  t.equal(ready.body.checks.cxone, 'ok', 'a CXone token was obtained at the discovered token endpoint')

  const accepted = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'meerkat', messageId: 'disc-1', text: 'hello from the savannah' })
  t.equal(accepted.status, 202)
  const threadId = accepted.body.messages[0].threadId
  const held = await waitForSandboxMessages(sandboxUrl, threadId, 1)
  t.equal(held[0].text, 'hello from the savannah', 'the message reached the tenant at the discovered DFO base')

  const view = await sandboxThread(sandboxUrl, threadId)
  const replied = await http('POST', `${sandboxUrl}/console/api/threads/${encodeURIComponent(view!.thread.id)}/reply`, { text: 'hello meerkat' })
  t.equal(replied.status, 200, JSON.stringify(replied.body))
  await eventually(() => platform.messages.find(m => m.text === 'hello meerkat'), 10_000, 'agent reply delivered')
})

t.test('a wrong tenant id: the hub starts, readiness fails and the log names the discovery failure, the message waits in the outbox', async t => {
  const { hub } = await liveHubOnSandbox(t, { tenantId: 'no-such-tenant' })
  // the public readiness body says only ok/not ready; why goes to the operator's log (core/infra/health.ts)
  const warnings: Array<{ msg: unknown, [key: string]: unknown }> = []
  const log = hub.app.log
  const warn = log.warn.bind(log) as (...args: unknown[]) => void
  log.warn = ((obj: unknown, ...rest: unknown[]) => {
    if (typeof obj === 'object' && obj !== null) warnings.push({ ...obj, msg: rest[0] })
    warn(obj, ...rest)
  }) as typeof log.warn
  const ready = await http('GET', `${hub.url}/health/ready`)
  t.equal(ready.status, 503)
  t.equal(ready.body.checks.cxone, 'not ready')
  t.notMatch(JSON.stringify(ready.body), /discovery|no-such-tenant|404/, 'the reason stays out of the public body')
  const logged = warnings.find(w => w.msg === 'readiness check failing' && w.check === 'cxone')
  t.match(logged?.detail, /CXone region discovery failed: .*cxone-configuration\?tenantId=no-such-tenant answered HTTP 404 \(unknown tenant id\?\)/, 'the log names the reason')
  const accepted = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'gnu', messageId: 'disc-bad-1', text: 'anyone?' })
  t.equal(accepted.status, 202, 'customers are still accepted: the message waits durably in the outbox')
  const job = await eventually(async () => (await hub.store.listJobs({ kind: 'dfo.createMessage' })).find(j => j.attempts >= 1), 10_000, 'a failed attempt')
  t.match(job.lastError, 'BYOC_ERR_CXONE_DISCOVERY', 'the job records why, and stays pending for a retry')
  t.equal(job.state, 'pending')
})

t.test('discoverTenant reads the issuer\'s two documents; dfoBaseFor follows the contract notes §3.2', async t => {
  const { sandboxUrl } = await liveHubOnSandbox(t)
  const found = await discoverTenant({ discoveryUrl: sandboxUrl, tenantId: SANDBOX_TENANT_ID, timeoutMs: 2000 })
  t.equal(found.authUrl, `${sandboxUrl}/auth/token`)
  t.equal(found.apiBaseUrl, sandboxUrl, 'a stand-in on the issuer\'s own origin is its own DFO base')
  t.equal(found.area, 'sandbox')
  const issuer = 'https://cxone.niceincontact.com'
  t.equal(dfoBaseFor({ area: 'na1', domain: 'niceincontact.com', api_endpoint: 'https://api-na1.niceincontact.com' }, issuer), 'https://api-de-na1.niceincontact.com')
  t.equal(dfoBaseFor({ area: 'au1', domain: 'niceincontact.com' }, issuer), 'https://api-de-au1.niceincontact.com')
  t.equal(dfoBaseFor({ area: 'na2', domain: 'niceincontact.com' }, issuer), 'https://api-de-na2.nicecxone-gov.com', 'FedRAMP')
  t.throws(() => dfoBaseFor({ area: 'na1/../x', domain: 'evil.example' }, issuer), /no usable area and domain/, 'only host-name characters reach a URL')
})
