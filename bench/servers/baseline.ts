import Fastify from 'fastify'
import formbody from '@fastify/formbody'
import { randomUUID, timingSafeEqual } from 'node:crypto'
import { request } from 'undici'
import { WebSocketServer, type WebSocket } from 'ws'
import { childArgs, serveCommands } from '../lib/rpc.js'
import { LagProbe, settledMemory } from '../lib/probes.js'
import { IdleTimers } from '../lib/idle-timers.js'
import { signJwt, verifyJwt } from '../lib/jwt.js'
import { CLIENT, DFO_KEY, JWT_SECRET, RECORDER_CHANNEL } from '../lib/constants.js'

/**
 * The bare minimum each hot path needs, as a small Express-style relay would do it: no store, no validation
 * beyond what the wire needs, no metrics, no logging, no retries. The hub is measured against this.
 */
const args = childArgs<{ dfoUrl: string }>()
const app = Fastify({ logger: false })
await app.register(formbody)
const same = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

// M1: JSON parse, check the client, sign a JWT
app.post('/1.0/token', async (req, reply) => {
  const b = req.body as { client_id?: string, client_secret?: string }
  if (!b?.client_id || !b.client_secret || b.client_id !== CLIENT.clientId || !same(b.client_secret, CLIENT.clientSecret)) return reply.code(401).send({ error: 'invalid_client' })
  const now = Math.floor(Date.now() / 1000)
  return { access_token: signJwt({ sub: b.client_id, iat: now, exp: now + 3600 }, JWT_SECRET), token_type: 'Bearer', expires_in: 3600 }
})

const idle = new IdleTimers()

// M3: JSON parse, JWT verify, one WebSocket send to the customer's open socket
const sockets = new Map<string, WebSocket>()
app.post('/2.0/channel/:channelId/outbound', async (req, reply) => {
  const auth = req.headers.authorization
  if (!auth?.startsWith('Bearer ') || !verifyJwt(auth.slice(7), JWT_SECRET)) return reply.code(401).send({ error: 'unauthorized' })
  const b = req.body as { thread?: { idOnExternalPlatform?: string }, messageContent: { payload: { text?: string } } }
  const threadId = b.thread?.idOnExternalPlatform ?? ''
  const ws = sockets.get(threadId)
  if (!ws) return reply.code(404).send({ error: 'no such thread' })
  const messageId = randomUUID()
  ws.send(JSON.stringify({ type: 'message', entry: { messageId, threadId, text: b.messageContent.payload.text } }))
  return { message: { idOnExternalPlatform: messageId }, thread: { idOnExternalPlatform: threadId } }
})

// the platform's inbound webhook: translate, forward with undici to DFO, answer with DFO's verdict
let dfoToken = ''
app.post('/channels/recorder/inbound', async (req, reply) => {
  const b = req.body as { customerId: string, messageId: string, text: string, threadId?: string }
  const res = await request(`${args.dfoUrl}/sandbox/dfo/3.0/channels/${RECORDER_CHANNEL}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${dfoToken}` },
    body: JSON.stringify({
      idOnExternalPlatform: b.messageId, direction: 'inbound', createdAtWithMilliseconds: new Date().toISOString(),
      thread: { idOnExternalPlatform: b.threadId ?? `th-${b.customerId}` },
      messageContent: { type: 'TEXT', payload: { text: b.text } },
      authorEndUserIdentity: { idOnExternalPlatform: b.customerId, firstName: b.customerId }
    })
  })
  await res.body.dump()
  idle.activity(`th-${b.customerId}`)
  return reply.code(res.statusCode < 300 ? 202 : 502).send({ messageId: b.messageId })
})

await app.listen({ host: '127.0.0.1', port: 0 })
const wss = new WebSocketServer({ server: app.server, path: '/ws' })
wss.on('connection', (ws) => {
  ws.once('message', (data) => {
    const { threadId } = JSON.parse(String(data)) as { threadId: string }
    sockets.set(threadId, ws)
    idle.activity(threadId)
    ws.on('close', () => { if (sockets.get(threadId) === ws) sockets.delete(threadId) })
    ws.send(JSON.stringify({ type: 'welcome' }))
  })
})

const tokenRes = await request(`${args.dfoUrl}/sandbox/auth/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'password', username: DFO_KEY.id, password: DFO_KEY.secret }).toString()
})
dfoToken = ((await tokenRes.body.json()) as { access_token: string }).access_token

const addr = app.server.address()
const lag = new LagProbe()
serveCommands(`http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, {
  'lag:start': () => lag.start(),
  'lag:stop': () => lag.stop(),
  memory: () => settledMemory(),
  'idle:set': (s: { timeoutMs: number, countdownMs: number } | null) => idle.configure(s),
  'timers:watch': () => undefined,
  'timers:report': () => idle.report(),
  stop: async () => { wss.close(); await app.close() }
})
