import t from 'tap'
import { eventually, http, startHub } from '../helper.js'
import { newMessage } from '../store/conformance/kit.js'

// Issue 19, privacy.retention: the hub's background job purges on its own and counts what it purged.

const METRICS = 'metrics-token-0123456789'
const HOUR = 3_600_000

t.test('privacy.retention: the running hub purges closed, quiet conversations, keeps open ones, and counts', async t => {
  const hub = await startHub(t, { privacy: { retention: '1h', retentionInterval: '100ms' }, metrics: { bearerToken: METRICS } })
  const s = hub.store
  const old = Date.now() - 2 * HOUR
  await s.upsertCustomer({ channelId: 'watering-hole', customerId: 'gone', name: 'Gone Gnu' })
  await s.openThread('watering-hole', 'gone', 'th-gone', old)
  await s.insertMessage(newMessage('th-gone', 'm-gone', { channelId: 'watering-hole', createdAt: old }))
  await s.closeThread('watering-hole', 'th-gone', 'done')
  await s.upsertCustomer({ channelId: 'watering-hole', customerId: 'kept', name: 'Kept Kudu' })
  await s.openThread('watering-hole', 'kept', 'th-kept', old)
  await s.insertMessage(newMessage('th-kept', 'm-kept', { channelId: 'watering-hole', createdAt: old }))

  await eventually(async () => (await s.getThread('watering-hole', 'th-gone')) === undefined, 10_000, 'purged')
  t.equal(await s.getMessage('watering-hole', 'm-gone'), undefined)
  t.ok(await s.getCustomer('watering-hole', 'gone'), 'a customer record younger than the retention stays (a later round takes it)')
  t.equal((await s.getThread('watering-hole', 'th-kept'))?.status, 'open', 'an open conversation is never purged')
  t.ok(await s.getMessage('watering-hole', 'm-kept'))
  const metrics = await eventually(async () => {
    const text = String((await http('GET', `${hub.url}/metrics`, undefined, { authorization: `Bearer ${METRICS}` })).body)
    return /byoc_privacy_purged_total\{kind="threads"\} 1/.test(text) && text
  }, 10_000, 'counted')
  t.match(metrics, /byoc_privacy_purged_total\{kind="messages"\} 1/)
  t.match(metrics, /byoc_privacy_purged_total\{kind="customers"\} 0/)
})

t.test('retention is off by default', async t => {
  const hub = await startHub(t, { metrics: { bearerToken: METRICS } })
  t.equal(hub.config.privacy.retention, undefined)
  const text = String((await http('GET', `${hub.url}/metrics`, undefined, { authorization: `Bearer ${METRICS}` })).body)
  t.notMatch(text, /byoc_privacy_purged_total\{/, 'no round ever ran')
})
