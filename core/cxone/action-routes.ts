import type { FastifyInstance } from 'fastify'
import { randomBytes } from 'node:crypto'
import { Type, type Static } from 'typebox'
import type { ByocConfig } from '../../config/schema.js'
import type { ChannelRegistry } from '../channels/runtime.js'
import type { DfoClient } from './dfo-types.js'
import type { Store } from '../store/types.js'
import { hubError } from '../errors.js'
import { renderActionPage } from './action-page.js'
import { channelIntegrationId, dfoChannelFor } from './channel-definition.js'

const ActionQuerySchema = Type.Object({
  userId: Type.String({ pattern: '^\\d{1,18}$' }),
  brandId: Type.String({ pattern: '^\\d{1,18}$' }),
  token: Type.String({ minLength: 1, maxLength: 4096 }),
  backUrl: Type.Optional(Type.String({ maxLength: 2048 })),
  apiHost: Type.Optional(Type.String({ maxLength: 2048 }))
}, { additionalProperties: true })
const ActionFormSchema = Type.Object({
  session: Type.String({ pattern: '^[A-Za-z0-9_-]{20,64}$' }),
  channel: Type.String({ minLength: 1, maxLength: 255 })
}, { additionalProperties: false })

type Action = 'add' | 'reconnect' | 'remove'
interface ActionSession { action: Action, accessToken: string, backUrl?: string, expiresAt: number }
const SESSION_TTL_MS = 10 * 60_000

/**
 * M6/M7: CXone opens these in the admin's browser with a one-time token. The hub verifies it with DFO, keeps the
 * resulting CXone token server-side (a short session in the store, never in the page), lets the admin pick a
 * configured channel, then creates/updates or deletes the DFO channel and redirects to backUrl.
 */
export async function actionRoutes (app: FastifyInstance, opts: { config: ByocConfig, channels: ChannelRegistry, dfo: DfoClient, store: Store }): Promise<void> {
  const { config, channels, dfo, store } = opts

  const safeBackUrl = (url: string | undefined): string | undefined => {
    if (!url) return undefined
    try {
      const u = new URL(url)
      return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined
    } catch { return undefined }
  }

  for (const action of ['add', 'reconnect', 'remove'] as const) {
    app.get<{ Querystring: Static<typeof ActionQuerySchema> }>(`/actions/${action}`, {
      schema: { tags: ['cxone'], summary: `${action} a channel (CXone ${action} action URL)`, querystring: ActionQuerySchema } as object
    }, async (request, reply) => {
      const q = request.query
      // refuse before the one-time token is spent: the admin can retry once the key is set
      if (action === 'add') channelIntegrationId(config)
      let accessToken: string
      try {
        // apiHost comes from the browser: never call it (SSRF); the configured CXone is the only one we talk to
        accessToken = (await dfo.verifyOneTimeToken({ brandId: Number(q.brandId), userId: Number(q.userId), token: q.token, purpose: 'channel-integration' }, { attempts: 1 })).accessToken
      } catch (err) {
        request.log.warn({ err: (err as Error).message }, 'one-time token refused')
        const back = safeBackUrl(q.backUrl)
        if (back) return reply.redirect(back, 302)
        throw hubError('ACTION_TOKEN_INVALID')
      }
      const session = randomBytes(24).toString('base64url')
      const back = safeBackUrl(q.backUrl)
      await store.putDoc('action-sessions', session, { action, accessToken, ...(back ? { backUrl: back } : {}), expiresAt: Date.now() + SESSION_TTL_MS } satisfies ActionSession)
      const existing = action === 'add' ? [] : await dfo.listChannels({ accessToken, attempts: 1 }).catch(() => [])
      const choices = channels.all()
        .filter(c => action === 'add' || existing.length === 0 || existing.some(e => e.id === c.cxoneChannelId))
        .map(c => ({ id: c.id, name: c.name, cxoneChannelId: c.cxoneChannelId }))
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
        .send(renderActionPage(action, session, choices))
    })

    app.post<{ Body: Static<typeof ActionFormSchema> }>(`/actions/${action}`, {
      schema: { tags: ['cxone'], summary: `confirm ${action}`, body: ActionFormSchema } as object
    }, async (request, reply) => {
      const session = await store.getDoc<ActionSession>('action-sessions', request.body.session)
      await store.deleteDoc('action-sessions', request.body.session)
      if (!session || session.action !== action || session.expiresAt < Date.now()) throw hubError('ACTION_TOKEN_INVALID', 'session expired; open the action again from CXone')
      const channel = channels.get(request.body.channel)
      if (!channel) throw hubError('CHANNEL_UNKNOWN', request.body.channel)
      if (action === 'remove') await dfo.deleteChannel(channel.cxoneChannelId, { accessToken: session.accessToken, attempts: 1 })
      else await dfo.createChannel(dfoChannelFor(channel, config), { accessToken: session.accessToken, attempts: 1 })
      request.log.info({ channel: channel.id, action }, 'channel action done')
      if (session.backUrl) return reply.redirect(session.backUrl, 303)
      return reply.type('text/html; charset=utf-8').send(`<!doctype html><title>Done</title><p>Channel ${escapeHtml(channel.name)}: ${action} done. You can close this page.</p>`)
    })
  }
}

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!))
