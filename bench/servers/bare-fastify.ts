import Fastify from 'fastify'
import jwt from '@fastify/jwt'
import { randomUUID } from 'node:crypto'
import { childArgs, serveCommands } from '../lib/rpc.js'
import { LagProbe } from '../lib/probes.js'
import { CLIENT, JWT_SECRET } from '../lib/constants.js'

/**
 * The floor for CXone's agent reply (M3): bare Fastify 5 with @fastify/jwt, the same framework and JWT plugin the
 * hub uses, verifying the bearer and answering JSON. Nothing stored, nothing delivered: what the hub costs beyond
 * this is the price of durability and delivery.
 */
childArgs<Record<string, never>>()
const app = Fastify({ logger: false })
await app.register(jwt, { secret: JWT_SECRET })

// a token to present (not measured here: the reply rows are about verify + answer); the claims' shape is the hub's
// (its FastifyJWT typing is global to this compilation)
app.post('/1.0/token', async (req, reply) => {
  const b = req.body as { client_id?: string } | undefined
  if (b?.client_id !== CLIENT.clientId) return reply.code(401).send({ error: 'invalid_client' })
  return { access_token: app.jwt.sign({ sub: b.client_id, client_id: b.client_id, gen: '0' }, { expiresIn: 3600 }), token_type: 'Bearer', expires_in: 3600 }
})

app.post('/2.0/channel/:channelId/outbound', async (req, reply) => {
  try {
    await req.jwtVerify()
  } catch {
    return reply.code(401).send({ error: 'unauthorized' })
  }
  const b = req.body as { thread?: { idOnExternalPlatform?: string } }
  return { message: { idOnExternalPlatform: randomUUID() }, thread: { idOnExternalPlatform: b.thread?.idOnExternalPlatform ?? '' } }
})

await app.listen({ host: '127.0.0.1', port: 0 })
const addr = app.server.address()
const lag = new LagProbe()
serveCommands(`http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, {
  'lag:start': () => lag.start(),
  'lag:stop': () => lag.stop(),
  stop: async () => { await app.close() }
})
