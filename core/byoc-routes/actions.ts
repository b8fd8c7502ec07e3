import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'
import { randomBytes } from 'node:crypto'
import { Type, type Static } from 'typebox'
import type { ByocConfig } from '../../config/schema.js'
import type { ChannelRegistry } from '../channels/runtime.js'
import type { CxoneTenants } from '../cxone/tenant-wirings.js'
import { tenantsOf } from '../../config/tenants.js'
import { Errors, hubError } from '../errors.js'
import type { DocumentsPort } from '../store/types.js'
import { actionPageHeaders, renderActionPage, renderDonePage, renderErrorPage } from './action-page.js'
import { formActionSources, returnHosts } from './action-return.js'
import { channelIntegrationId, dfoChannelFor } from '../cxone/channel-definition.js'

const ActionQuerySchema = Type.Object({
  userId: Type.String({ pattern: '^\\d{1,18}$' }),
  brandId: Type.String({ pattern: '^\\d{1,18}$' }),
  token: Type.String({ minLength: 1, maxLength: 4096 }),
  backUrl: Type.Optional(Type.String({ maxLength: 2048 })),
  apiHost: Type.Optional(Type.String({ maxLength: 2048 })),
  // several tenants: each one's action URLs carry ?tenant=<id> (byoc-hub cxone-setup prints them)
  tenant: Type.Optional(Type.String({ maxLength: 255 }))
}, { additionalProperties: true })
const ActionFormSchema = Type.Object({
  session: Type.String({ pattern: '^[A-Za-z0-9_-]{20,64}$' }),
  channel: Type.String({ minLength: 1, maxLength: 255 })
}, { additionalProperties: false })

type Action = 'add' | 'reconnect' | 'remove'
interface ActionSession { action: Action, tenant?: string, accessToken: string, backUrl?: string, refusedBackUrl?: string, expiresAt: number }
const SESSION_TTL_MS = 10 * 60_000

/** A person's browser (the admin's) rather than a script: such errors get a page, not JSON. */
const wantsHtml = (request: FastifyRequest): boolean => String(request.headers.accept ?? '').includes('text/html')

/**
 * M6/M7: CXone opens these in the admin's browser with a one-time token. The hub verifies it with DFO, keeps the
 * resulting CXone token server-side (a short session in the store, never in the page), lets the admin pick a
 * configured channel, then creates/updates or deletes the DFO channel and sends the admin back to backUrl when it is
 * on a CXone host (action-return.ts); otherwise the admin stays on a page saying what happened.
 */
export async function actionRoutes (app: FastifyInstance, opts: { config: ByocConfig, channels: ChannelRegistry, cxone: CxoneTenants, store: DocumentsPort, selfUrl: () => string }): Promise<void> {
  const { config, channels, store } = opts
  // each tenant's admin comes from, is sent back to, and acts on that tenant's CXone; without ?tenant= the first tenant
  const tenants = new Map(tenantsOf(config).map(t => {
    const wiring = opts.cxone.of(t.id)
    return [t.id, { cxone: t.cxone, dfo: wiring.dfo, hosts: returnHosts(t.cxone, opts.selfUrl, async () => await wiring.endpoints.get()) }]
  }))
  const first = tenantsOf(config)[0]!.id
  const tenantOf = (id: unknown): string => {
    const tenant = typeof id === 'string' ? id : first
    if (!tenants.has(tenant)) throw hubError('TENANT_UNKNOWN', tenant)
    return tenant
  }
  const hostsOf = (request: FastifyRequest) => tenants.get(tenants.has(String((request.query as { tenant?: unknown } | undefined)?.tenant)) ? String((request.query as { tenant: string }).tenant) : first)!.hosts

  // browsers get the error as a page with the same headers as the others; API clients keep the coded JSON
  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    if (!wantsHtml(request)) throw err
    const status = err.validation ? 400 : err.statusCode ?? 500
    if (status >= 500) request.log.error({ err }, 'action failed')
    const code = err.validation ? Errors.VALIDATION.code : typeof err.code === 'string' && err.code.startsWith('BYOC_') ? err.code : Errors.INTERNAL.code
    const message = status >= 500 ? 'CXone or the hub could not complete this; try again from CXone.' : err.message
    const backUrl = (request.query as { backUrl?: unknown } | undefined)?.backUrl
    const refused = typeof backUrl === 'string' && !await hostsOf(request).check(backUrl, request.host) ? backUrl : undefined
    return reply.code(status).headers(actionPageHeaders()).send(renderErrorPage(status, code, message, refused))
  })

  for (const action of ['add', 'reconnect', 'remove'] as const) {
    app.get<{ Querystring: Static<typeof ActionQuerySchema> }>(`/actions/${action}`, {
      schema: { tags: ['cxone'], summary: `${action} a channel (CXone ${action} action URL)`, querystring: ActionQuerySchema } as object
    }, async (request, reply) => {
      const q = request.query
      const tenant = tenantOf(q.tenant)
      const { cxone, dfo, hosts } = tenants.get(tenant)!
      // refuse before the one-time token is spent: the admin can retry once the key is set
      if (action === 'add') channelIntegrationId(cxone)
      const back = await hosts.check(q.backUrl, request.host)
      const refused = q.backUrl !== undefined && !back ? q.backUrl : undefined
      if (refused) request.log.warn({ backUrl: refused }, 'action backUrl is not on a CXone host; not followed')
      let accessToken: string
      try {
        // apiHost comes from the browser: never call it (SSRF); the configured CXone is the only one we talk to
        accessToken = (await dfo.verifyOneTimeToken({ brandId: Number(q.brandId), userId: Number(q.userId), token: q.token, purpose: 'channel-integration' }, { attempts: 1 })).accessToken
      } catch (err) {
        request.log.warn({ err: (err as Error).message }, 'one-time token refused')
        if (back) return reply.redirect(back, 302)
        throw hubError('ACTION_TOKEN_INVALID')
      }
      const session = randomBytes(24).toString('base64url')
      await store.putDoc('action-sessions', session, {
        action, tenant, accessToken, ...(back ? { backUrl: back } : {}), ...(refused ? { refusedBackUrl: refused } : {}), expiresAt: Date.now() + SESSION_TTL_MS
      } satisfies ActionSession)
      const existing = action === 'add' ? [] : await dfo.listChannels({ accessToken, attempts: 1 }).catch(() => [])
      const choices = channels.ofTenant(tenant)
        .filter(c => action === 'add' || existing.length === 0 || existing.some(e => e.id === c.cxoneChannelId))
        .map(c => ({ id: c.id, name: c.name, cxoneChannelId: c.cxoneChannelId }))
      return reply.headers(actionPageHeaders(formActionSources(await hosts.list(request.host))))
        .send(renderActionPage(action, session, choices, refused))
    })

    app.post<{ Body: Static<typeof ActionFormSchema> }>(`/actions/${action}`, {
      schema: { tags: ['cxone'], summary: `confirm ${action}`, body: ActionFormSchema } as object
    }, async (request, reply) => {
      const session = await store.getDoc<ActionSession>('action-sessions', request.body.session)
      await store.deleteDoc('action-sessions', request.body.session)
      if (!session || session.action !== action || session.expiresAt < Date.now()) throw hubError('ACTION_TOKEN_INVALID', 'session expired; open the action again from CXone')
      const { cxone, dfo } = tenants.get(session.tenant ?? first)!
      const channel = channels.get(request.body.channel)
      // a channel of another tenant is as unknown as one not configured
      if (!channel || channel.tenant !== (session.tenant ?? first)) throw hubError('CHANNEL_UNKNOWN', request.body.channel)
      if (action === 'remove') await dfo.deleteChannel(channel.cxoneChannelId, { accessToken: session.accessToken, attempts: 1 })
      else await dfo.createChannel(dfoChannelFor(channel, cxone), { accessToken: session.accessToken, attempts: 1 })
      request.log.info({ channel: channel.id, action }, 'channel action done')
      if (session.backUrl) return reply.redirect(session.backUrl, 303) // checked against the CXone hosts when stored
      return reply.headers(actionPageHeaders()).send(renderDonePage(action, channel.name, session.refusedBackUrl))
    })
  }
}
