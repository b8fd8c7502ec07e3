// Step 5 of scripts/check-packages.sh, run from the temp install (it imports the *installed* byoc-hub and kit): starts a hub
// from hub.yaml (the scaffolded plugin enabled by package name, CXone sandbox mode) and relays one message each way.
// Usage: node package-relay.mjs <hub.yaml> <channel-id> <whsec_ signing secret>   (the YAML's platformUrl is ${PLATFORM_URL})
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import { createHub } from 'byoc-hub'
import { eventually } from '@byoc-hub/plugin-kit'

const [configPath, channelId, secret] = process.argv.slice(2)
// Standard Webhooks, written here from the spec (not the plugin's code), so the relay also checks the plugin speaks it
const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
const sign = (id, timestamp, body) => `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`
const signedHeaders = (id, body) => {
  const timestamp = String(Math.floor(Date.now() / 1000))
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': sign(id, timestamp, body) }
}
const isSigned = (headers, raw) => {
  const { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': given } = headers
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof given !== 'string') return false
  const expected = Buffer.from(sign(id, timestamp, raw))
  return given.split(' ').some(s => Buffer.byteLength(s) === expected.length && timingSafeEqual(Buffer.from(s), expected))
}
const started = Date.now()

// the chat platform: records what the hub POSTs, refusing anything not signed with the shared secret
const received = []
const platform = createServer((req, res) => {
  const chunks = []
  req.on('data', c => chunks.push(c))
  req.on('end', () => {
    const raw = Buffer.concat(chunks)
    const signed = isSigned(req.headers, raw)
    if (signed) received.push(JSON.parse(raw.toString('utf8')))
    res.writeHead(signed ? 200 : 401).end()
  })
})
await new Promise(resolve => platform.listen(0, '127.0.0.1', resolve))
process.env.PLATFORM_URL = `http://127.0.0.1:${platform.address().port}/byoc`

const hub = await createHub(configPath)
try {
  if (!hub.channels.includes(channelId)) throw new Error(`the hub runs ${hub.channels.join(', ')}, not ${channelId}`)
  const consoleApi = `${hub.url}/sandbox/console/api`
  const agent = async (method, path, body) => {
    const res = await fetch(consoleApi + path, { method, headers: { authorization: `Bearer ${hub.consoleToken}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) })
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`)
    return res.json()
  }

  // customer -> CXone
  const customerId = `pkg-check-${process.pid}`
  const text = `hello from the packaged plugin ${Date.now()}`
  const messageId = `m-${Date.now()}`
  const body = JSON.stringify({ type: 'message', customerId, customerName: 'Package Check', messageId, text })
  const res = await fetch(`${hub.url}/channels/${channelId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(`evt-${messageId}`, body) }, body })
  if (res.status !== 202) throw new Error(`inbound answered ${res.status}: ${await res.text()}`)
  const thread = await eventually(async () => {
    for (const th of (await agent('GET', '/threads')).filter(th => th.customerId === customerId)) {
      if ((await agent('GET', `/threads/${encodeURIComponent(th.id)}`)).messages.some(m => m.direction === 'inbound' && m.text === text)) return th
    }
    return undefined
  }, 20_000, 'the customer message in the CXone sandbox')
  console.log(`inbound:  "${text}" reached the CXone sandbox (thread ${thread.id})`)

  // agent -> platform
  const reply = `agent reply ${Date.now()}`
  await agent('POST', `/threads/${encodeURIComponent(thread.id)}/reply`, { text: reply })
  await eventually(() => received.some(m => m.type === 'message' && m.text === reply && m.customerId === customerId), 20_000, 'the agent reply at the platform')
  await hub.outboxDrained()
  console.log(`outbound: "${reply}" reached the platform, signed`)
  console.log(`relay: ${Date.now() - started} ms (hub start included)`)
} finally {
  await hub.close()
  platform.close()
}
