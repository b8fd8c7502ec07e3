import type { FastifyInstance } from 'fastify'
import type { Static } from 'typebox'
import type { Store } from '../store/types.js'
import { hubError } from '../errors.js'
import { eraseCustomer } from '../privacy/erasure.js'
import { exportCustomer } from '../privacy/export.js'
import { CustomerExportSchema } from '../privacy/export-schema.js'
import type { PrivacyMetrics } from '../privacy/metrics.js'
import { adminTokenCheck } from './auth.js'
import { channelStatus, listDeadLetters, replayAllDeadLetters, replayDeadLetter } from './operations.js'
import {
  adminErrors, ChannelStatusSchema, CustomerParamsSchema, DeadLetterSchema, ErasureReportSchema, JobParamsSchema, ListQuerySchema, ReplayAllSchema
} from './schemas.js'
import { Type } from 'typebox'

export interface AdminRoutesOptions {
  readonly token: string
  readonly store: Store
  readonly channels: () => ReadonlyArray<{ id: string, name?: string | undefined, cxoneChannelId: string, tenant?: string }>
  readonly metrics?: PrivacyMetrics | undefined
}

type CustomerParams = Static<typeof CustomerParamsSchema>
const security = [{ adminToken: [] }]

/**
 * The admin API under /admin, registered only when admin.token is set: dead letters (list, replay), erasure,
 * export and channel status. Every route checks the token first (auth.ts). The CLI uses it against a running hub.
 */
// the customer's id goes in the body, not the URL: request logs (and proxies' access logs) record URLs
export async function adminRoutes (app: FastifyInstance, o: AdminRoutesOptions): Promise<void> {
  const { store } = o
  app.addHook('onRequest', adminTokenCheck(o.token))
  const names = (channelId: string): { id: string, cxoneChannelId?: string } => {
    const c = o.channels().find(c => c.id === channelId)
    return c ? { id: c.id, cxoneChannelId: c.cxoneChannelId } : { id: channelId }
  }

  app.get('/admin/channels', {
    schema: { summary: 'Channel status: open conversations per channel, and the outbox', tags: ['admin'], security, response: { 200: ChannelStatusSchema, ...adminErrors } }
  }, async () => channelStatus(store, o.channels()))

  app.get<{ Querystring: Static<typeof ListQuerySchema> }>('/admin/dead-letters', {
    schema: { summary: 'Dead letters: jobs that exhausted their retries, or that an erasure stopped', tags: ['admin'], security, querystring: ListQuerySchema, response: { 200: Type.Object({ deadLetters: Type.Array(DeadLetterSchema) }), ...adminErrors } }
  }, async (request) => {
    // the admin token is the operator's, across tenants; ?tenant= narrows the list to one tenant's channels
    const tenant = request.query.tenant
    const own = tenant === undefined ? undefined : new Set(o.channels().filter(c => (c.tenant ?? 'default') === tenant).map(c => c.id))
    if (own !== undefined && own.size === 0) throw hubError('TENANT_UNKNOWN', tenant)
    return { deadLetters: await listDeadLetters(store, Number(request.query.limit ?? 1000), own) }
  })

  app.post<{ Params: Static<typeof JobParamsSchema> }>('/admin/dead-letters/:jobId/replay', {
    schema: { summary: 'Replay one dead letter (back to pending, attempts reset)', tags: ['admin'], security, params: JobParamsSchema, response: { 200: Type.Object({ replayed: Type.Literal(true) }), ...adminErrors } }
  }, async (request) => {
    const outcome = await replayDeadLetter(store, request.params.jobId)
    if (outcome === 'unknown') throw hubError('DEAD_LETTER_UNKNOWN', request.params.jobId)
    if (outcome === 'erased') throw hubError('DEAD_LETTER_ERASED', request.params.jobId)
    return { replayed: true as const }
  })

  app.post('/admin/dead-letters/replay', {
    schema: { summary: 'Replay every dead letter (erased ones stay)', tags: ['admin'], security, response: { 200: ReplayAllSchema, ...adminErrors } }
  }, async () => replayAllDeadLetters(store))

  app.post<{ Body: CustomerParams }>('/admin/customers/erase', {
    schema: {
      summary: 'Erase a customer (right to be forgotten): messages, identity, name, attachment copies, idempotency caches, jobs',
      tags: ['admin'], security, body: CustomerParamsSchema, response: { 200: ErasureReportSchema, ...adminErrors }
    }
  }, async (request) => {
    const report = await eraseCustomer(store, names(request.body.channelId), request.body.customerId)
    o.metrics?.onErased(report)
    request.log.info({ channelId: report.channelId, removed: report.removed, deadLettered: report.deadLettered }, 'customer erased')
    return report
  })

  app.post<{ Body: CustomerParams }>('/admin/customers/export', {
    schema: {
      summary: 'Export everything held about a customer (docs/privacy.md describes the format)',
      tags: ['admin'], security, body: CustomerParamsSchema, response: { 200: CustomerExportSchema, ...adminErrors }
    }
  }, async (request) => exportCustomer(store, request.body.channelId, request.body.customerId))
}
