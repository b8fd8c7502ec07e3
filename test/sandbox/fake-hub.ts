import type { Test } from 'tap'
import Fastify from 'fastify'
import { IN_PROCESS_ORIGIN, InjectDispatcher } from '../../core/cxone/inject-dispatcher.js'

export interface HubCall { path: string, auth?: string, body: any } // intentional any: tests inspect arbitrary bodies

/**
 * The smallest hub that answers the sandbox as the real one does: /1.0/token (client_credentials),
 * /2.0/channel/:c/outbound and /1.0/channel/:c/thread/:t/sender-action, with bearer checks. The sandbox reaches it
 * in process (hub.dispatcher), as it reaches the real hub that mounts it.
 */
export async function startFakeHub (t: Test, creds = { clientId: 'sandbox', clientSecret: 'hub-secret' }) {
  const app = Fastify()
  const valid = new Set<string>()
  const calls: HubCall[] = []
  const tokenRequests: any[] = []
  let n = 0
  const ctl = { rejectAllTokens: false }

  app.post('/integration/box/1.0/token', async (req, reply) => {
    const b = req.body as Record<string, string>
    tokenRequests.push(b)
    if (b.grant_type !== 'client_credentials' || b.client_id !== creds.clientId || b.client_secret !== creds.clientSecret) {
      return reply.code(401).send({ error: 'invalid_client' })
    }
    const token = `hub-token-${++n}`
    valid.add(token)
    return { access_token: token, token_type: 'Bearer', expires_in: 3600 }
  })
  const authorized = (auth: string | undefined) => !ctl.rejectAllTokens && valid.has((auth ?? '').replace(/^Bearer /, ''))

  app.post<{ Params: { c: string } }>('/integration/box/2.0/channel/:c/outbound', async (req, reply) => {
    calls.push({ path: req.url, auth: req.headers.authorization, body: req.body })
    if (!authorized(req.headers.authorization)) return reply.code(401).send({ error: 'unauthorized' })
    const body = req.body as { thread?: { idOnExternalPlatform: string } }
    return { message: { idOnExternalPlatform: `hub-msg-${++n}` }, thread: { idOnExternalPlatform: body.thread?.idOnExternalPlatform ?? `hub-thread-${++n}` } }
  })
  app.post('/integration/box/1.0/channel/:c/thread/:t/sender-action', async (req, reply) => {
    calls.push({ path: req.url, auth: req.headers.authorization, body: req.body })
    if (!authorized(req.headers.authorization)) return reply.code(401).send({ error: 'unauthorized' })
    return reply.code(204).send()
  })

  t.teardown(() => app.close())
  const box = `${IN_PROCESS_ORIGIN}/integration/box`
  return {
    calls, tokenRequests, ctl, creds,
    /** forget every issued token, as a hub restarted with new signing keys would */
    revokeTokens: () => valid.clear(),
    hub: {
      boxUrl: () => box,
      tokenUrl: () => `${box}/1.0/token`,
      clientId: creds.clientId,
      clientSecret: creds.clientSecret,
      dispatcher: new InjectDispatcher((o) => app.inject(o)),
      actionUrls: () => ({ add: `${box}/action/add`, reconnect: `${box}/action/reconnect`, remove: `${box}/action/remove` })
    }
  }
}
