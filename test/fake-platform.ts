import Fastify from 'fastify'
import type { Test } from 'tap'

/** A platform on loopback that records what the hub delivers (the recorder channel posts here). */
export async function startFakePlatform (t: Test, opts: { failFirst?: number } = {}): Promise<{ url: string, messages: any[], signals: any[] }> { // intentional any: recorded JSON
  const app = Fastify()
  const messages: any[] = []
  const signals: any[] = []
  let failures = opts.failFirst ?? 0
  app.post('/messages', async (req, reply) => {
    if (failures > 0) { failures--; return reply.code(503).send({ error: 'try later' }) }
    messages.push(req.body)
    return { ok: true }
  })
  app.post('/signals', async (req) => { signals.push(req.body); return { ok: true } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const addr = app.server.address() as { port: number }
  return { url: `http://127.0.0.1:${addr.port}`, messages, signals }
}
