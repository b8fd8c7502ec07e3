import t from 'tap'
import { request } from 'undici'
import { Redis } from 'ioredis'
import { startHub } from '../helper.js'
import { redisUrl, freshPrefix } from '../store/redis-server.js'
import { RedisStore } from '../../core/store/redis.js'
import { secretKey, sign } from '../../plugins/generic-webhook/signature.js'

// Two hubs on one Redis (a key prefix of this test's own on the shared server): a sender's retries of one
// webhook, arriving at both instances at once, are stored once, and every later copy is answered as a duplicate.
const SECRET = `whsec_${Buffer.from('signed-hook-test-secret-0123456789').toString('base64')}`
const channels = [{ id: 'hooks', plugin: './test/fixtures/plugins/signed-hook', cxoneChannelId: 'chat_hooks', config: { secret: SECRET } }]

async function post (url: string, id: string, timestamp: number, body: unknown): Promise<{ status: number, body: any }> { // intentional any: JSON
  const raw = Buffer.from(JSON.stringify(body))
  const res = await request(url, {
    method: 'POST',
    body: raw,
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': sign(secretKey(SECRET), id, timestamp, raw) }
  })
  return { status: res.statusCode, body: await res.body.json() }
}

t.test('one webhook-id delivered to two instances at once is stored once and answered once', async t => {
  const url = await redisUrl()
  const admin = new Redis(url)
  t.teardown(() => { admin.disconnect() }) // registered first: runs after freshPrefix's key clean-up
  const prefix = freshPrefix(t, admin)
  const stores = [await RedisStore.connect(url, prefix), await RedisStore.connect(url, prefix)]
  const hubs = []
  for (const store of stores) {
    t.teardown(() => store.close()) // registered first, so it runs after the hub has closed (teardowns run in reverse)
    hubs.push(await startHub(t, { channels }, { store }))
  }
  const urls = hubs.map(h => `${h.url}/channels/hooks/hooks/messages`)

  const now = Math.floor(Date.now() / 1000)
  const rounds = Array.from({ length: 20 }, (_, i) => i)
  await Promise.all(rounds.map(async i => {
    const body = { events: [{ id: `m-${i}`, from: { id: `cust-${i % 5}` }, text: `hello ${i}` }] }
    // the sender's first attempt and its retry (re-signed a second later) at different instances, at once
    const answers = await Promise.all(urls.map((u, n) => post(u, `wh-${i}`, now + n, body)))
    t.same(answers.map(a => a.status), [202, 202], `round ${i}: both attempts answered 2xx`)
    t.equal(answers.filter(a => a.body.messages[0].duplicate === false).length, 1, `round ${i}: exactly one stored it`)
    // each attempt again, at the other instance: the one whose answer was kept is a replay (200), the other a
    // retry of a done delivery (202, duplicate); which one won the race is not ours to know
    const again = await Promise.all([post(urls[1]!, `wh-${i}`, now, body), post(urls[0]!, `wh-${i}`, now + 1, body)])
    const replay = again.find(a => a.status === 200)
    const retry = again.find(a => a.status === 202)
    t.same(replay?.body, { duplicate: true, replay: true }, `round ${i}: one copy is known as a replay`)
    t.equal(retry?.body.messages[0].duplicate, true, `round ${i}: the other as a duplicate`)
  }))
  for (const i of rounds) {
    const message = await stores[0]!.getMessage('hooks', `m-${i}`)
    t.ok(message, `m-${i} stored`)
    t.equal((await stores[0]!.listMessages('hooks', message!.threadId)).filter(m => m.messageId === `m-${i}`).length, 1, `m-${i} stored once`)
  }
})
