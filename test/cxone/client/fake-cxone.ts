import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import type { IncomingHttpHeaders } from 'node:http'
import type { Test } from 'tap'

/** One scripted answer. `hang` never answers (the socket is destroyed when the fake closes). */
export interface FakeReply {
  readonly status?: number
  readonly body?: unknown
  readonly headers?: Record<string, string>
  readonly hang?: boolean
  readonly delayMs?: number
}

export interface Seen {
  readonly method: string
  readonly path: string
  readonly query: Record<string, string>
  readonly headers: IncomingHttpHeaders
  readonly body: unknown
  readonly at: number
}

/**
 * A scriptable stand-in for CXone on loopback: the token endpoint at /auth/token and DFO under /dfo/3.0.
 * Tokens are `tok-1`, `tok-2`, … ; a revoked token gets DFO's 401. Unscripted DFO calls answer 200 `{}`.
 */
export interface FakeCxone {
  readonly url: string
  readonly authUrl: string
  readonly tokenRequests: Seen[]
  readonly dfo: Seen[]
  readonly revoked: Set<string>
  /** replies for the next token requests, in order; afterwards a fresh token is issued */
  readonly tokenReplies: FakeReply[]
  tokenExpiresIn: number
  tokenDelayMs: number
  /** replies for the next calls to `METHOD /path` (path below /dfo/3.0, without the query), in order */
  script (method: string, path: string, ...replies: FakeReply[]): void
  /** DFO calls to one `METHOD /path` */
  calls (method: string, path: string): Seen[]
}

const wait = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

export async function startFakeCxone (t: Test): Promise<FakeCxone> {
  const app = Fastify({ forceCloseConnections: true })
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })
  const scripts = new Map<string, FakeReply[]>()
  let issued = 0
  const record = (req: FastifyRequest, path: string): Seen => ({
    method: req.method, path, query: req.query as Record<string, string>, headers: req.headers, body: req.body, at: Date.now()
  })
  const answer = async (reply: FastifyReply, r: FakeReply): Promise<unknown> => {
    if (r.hang === true) return await new Promise(() => undefined)
    if (r.delayMs !== undefined) await wait(r.delayMs)
    reply.code(r.status ?? 200).headers(r.headers ?? {})
    return r.body ?? {}
  }

  const fake: FakeCxone = {
    url: '',
    authUrl: '',
    tokenRequests: [],
    dfo: [],
    revoked: new Set(),
    tokenReplies: [],
    tokenExpiresIn: 3600,
    tokenDelayMs: 0,
    script (method, path, ...replies) {
      const key = `${method} ${path}`
      scripts.set(key, [...(scripts.get(key) ?? []), ...replies])
    },
    calls (method, path) { return fake.dfo.filter(s => s.method === method && s.path === path) }
  }

  app.post('/auth/token', async (req, reply) => {
    fake.tokenRequests.push(record(req, '/auth/token'))
    const scripted = fake.tokenReplies.shift()
    if (scripted !== undefined) return await answer(reply, scripted)
    if (fake.tokenDelayMs > 0) await wait(fake.tokenDelayMs)
    issued++
    return { access_token: `tok-${issued}`, token_type: 'bearer', expires_in: fake.tokenExpiresIn, id_token: 'x.y.z' }
  })

  app.all('/dfo/3.0/*', async (req, reply) => {
    const path = req.url.slice('/dfo/3.0'.length).split('?')[0] ?? ''
    fake.dfo.push(record(req, path))
    const bearer = req.headers.authorization?.replace(/^Bearer /, '')
    if (bearer !== undefined && fake.revoked.has(bearer)) {
      reply.code(401)
      return { errors: [{ message: 'Invalid token' }] }
    }
    const next = scripts.get(`${req.method} ${path}`)?.shift()
    return await answer(reply, next ?? {})
  })

  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0
  const url = `http://127.0.0.1:${port}`
  return Object.assign(fake, { url, authUrl: `${url}/auth/token` })
}
