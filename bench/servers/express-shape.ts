import express from 'express'
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { childArgs, serveCommands } from '../lib/rpc.js'
import { LagProbe } from '../lib/probes.js'
import { signJwt, verifyJwt } from '../lib/jwt.js'
import { CLIENT, JWT_SECRET } from '../lib/constants.js'

/**
 * The shape of NICE's Express sample for Bring Your Own Channel, in memory: express.json(), verify the bearer,
 * remember the message in a Map, answer. Nothing durable, nothing delivered. The issue asks the durable hub to be
 * ahead of this.
 */
childArgs<Record<string, never>>()
const app = express()
app.use(express.json({ limit: '1mb' }))
const messages = new Map<string, Array<{ id: string, text: string | undefined, at: number }>>()

app.post('/1.0/token', (req, res) => {
  const b = req.body as { client_id?: string } | undefined
  if (b?.client_id !== CLIENT.clientId) { res.status(401).json({ error: 'invalid_client' }); return }
  const now = Math.floor(Date.now() / 1000)
  res.json({ access_token: signJwt({ sub: b.client_id, iat: now, exp: now + 3600 }, JWT_SECRET), token_type: 'Bearer', expires_in: 3600 })
})

app.post('/2.0/channel/:channelId/outbound', (req, res) => {
  const auth = req.headers.authorization
  if (!auth?.startsWith('Bearer ') || !verifyJwt(auth.slice(7), JWT_SECRET)) { res.status(401).json({ error: 'unauthorized' }); return }
  const b = req.body as { thread?: { idOnExternalPlatform?: string }, messageContent?: { payload?: { text?: string } } }
  const threadId = b.thread?.idOnExternalPlatform ?? ''
  const id = randomUUID()
  const thread = messages.get(threadId) ?? []
  thread.push({ id, text: b.messageContent?.payload?.text, at: Date.now() })
  // keep the Map bounded over a long run, as a sample kept in memory would have to be
  if (thread.length > 100) thread.shift()
  messages.set(threadId, thread)
  res.json({ message: { idOnExternalPlatform: id }, thread: { idOnExternalPlatform: threadId } })
})

const server = app.listen(0, '127.0.0.1')
await new Promise<void>((resolve, reject) => { server.once('listening', resolve); server.once('error', reject) })
const lag = new LagProbe()
serveCommands(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
  'lag:start': () => lag.start(),
  'lag:stop': () => lag.stop(),
  stop: () => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) })
})
