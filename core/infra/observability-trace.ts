import type { FastifyBaseLogger } from 'fastify'
import type { CxoneWiring } from '../cxone/wiring.js'
import type { CallOptions, DfoClient } from '../cxone/dfo-types.js'
import type { InboundStep, Job, NewJob, Store } from '../store/types.js'
import type { JobHandler } from '../delivery/outbox-worker.js'
import { currentRequestId, runWithRequestId } from './observability-context.js'
import type { HubMetrics } from './metrics.js'

/** Where each DfoClient method takes its CallOptions; a Record, so a new method cannot be forgotten here. */
const OPTIONS_AT: Record<keyof DfoClient, number> = {
  createMessage: 2, senderAction: 3, updateMessageStatus: 4, updateThread: 3, updateContactStatus: 2, searchThreads: 1, searchContacts: 1, getContact: 1,
  listChannels: 0, createChannel: 1, deleteChannel: 1, verifyOneTimeToken: 1, uploadTemporaryAttachment: 2, putCustomFieldDefinition: 1
}

/** The same wiring, its DFO client filling CallOptions.requestId from the current request or job. */
export function withRequestIds (wiring: CxoneWiring): CxoneWiring {
  const inner = wiring.dfo
  const dfo = new Proxy(inner, {
    get: (target, prop: keyof DfoClient) => {
      const value = target[prop]
      const at = OPTIONS_AT[prop]
      if (typeof value !== 'function' || at === undefined) return value
      return (...args: unknown[]) => {
        const requestId = currentRequestId()
        const given = (args[at] ?? {}) as CallOptions
        if (requestId !== undefined && given.requestId === undefined) args[at] = { ...given, requestId }
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    }
  })
  return { ...wiring, dfo, close: () => wiring.close() }
}

const tag = (job: NewJob, requestId: string | undefined): NewJob =>
  requestId !== undefined && job.payload !== null && typeof job.payload === 'object' && !Array.isArray(job.payload)
    ? { ...job, payload: { requestId, ...(job.payload as Record<string, unknown>) } }
    : job

/**
 * The store as the conversation service sees it: a job enqueued while a request is handled keeps that request's
 * id in its payload, so the outbox worker, seconds or retries later, still calls CXone under the same id.
 */
export function tagJobsWithRequestId (store: Store): Store {
  return new Proxy(store, {
    get: (target, prop: keyof Store) => {
      if (prop === 'enqueue') return (job: NewJob) => target.enqueue(tag(job, currentRequestId()))
      if (prop === 'insertMessage') {
        return (message: Parameters<Store['insertMessage']>[0], job?: NewJob) =>
          target.insertMessage(message, job && tag(job, currentRequestId()))
      }
      if (prop === 'storeInbound') {
        return (step: InboundStep) => {
          const requestId = currentRequestId()
          const idle = step.idle && { ...step.idle, clearedSignal: tag(step.idle.clearedSignal, requestId) }
          return target.storeInbound({ ...step, job: tag(step.job, requestId), ...(idle ? { idle } : {}) })
        }
      }
      const value = target[prop]
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    }
  })
}

const payloadOf = (job: Job): { requestId?: unknown, channelId?: unknown } =>
  job.payload !== null && typeof job.payload === 'object' ? job.payload as Record<string, unknown> : {}

export interface TraceJobsOptions {
  log: FastifyBaseLogger
  metrics?: HubMetrics
  /** job kinds that deliver to a chat platform: timed per channel */
  platformKinds: ReadonlySet<string>
  /** the configured channel ids: the only values the channel label takes */
  channelIds: () => string[]
}

/**
 * Runs each job under the id of the request that created it (or `job-<id>` for jobs no request made, such as
 * idle timers), and times platform deliveries per channel.
 */
export function traceJobs (handlers: Record<string, JobHandler>, opts: TraceJobsOptions): Record<string, JobHandler> {
  const out: Record<string, JobHandler> = {}
  for (const [kind, handler] of Object.entries(handlers)) {
    out[kind] = (job, signal) => {
      const p = payloadOf(job)
      const requestId = typeof p.requestId === 'string' ? p.requestId : `job-${job.jobId}`
      return runWithRequestId(requestId, async () => {
        opts.log.debug({ reqId: requestId, jobId: job.jobId, kind, attempt: job.attempts + 1 }, 'job run')
        if (!opts.metrics || !opts.platformKinds.has(kind)) return handler(job, signal)
        const channel = typeof p.channelId === 'string' && opts.channelIds().includes(p.channelId) ? p.channelId : 'unknown'
        const started = performance.now()
        let outcome = 'error'
        try {
          // what the job leaves for its completion (a message status) passes through to the worker
          const done = await handler(job, signal)
          outcome = 'ok'
          return done
        } finally {
          opts.metrics.deliveryDuration.observe({ channel, outcome }, (performance.now() - started) / 1000)
        }
      })
    }
  }
  return out
}
