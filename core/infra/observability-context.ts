import { AsyncLocalStorage } from 'node:async_hooks'
import fp from 'fastify-plugin'

interface TraceContext { readonly requestId: string }

const context = new AsyncLocalStorage<TraceContext>()

/** The id of the request (or outbox job) this code runs for, if any. */
export function currentRequestId (): string | undefined {
  return context.getStore()?.requestId
}

export function runWithRequestId<T> (requestId: string | undefined, fn: () => T): T {
  return requestId === undefined ? fn() : context.run({ requestId }, fn)
}

/**
 * Makes request.id (an incoming X-Request-Id, else a UUID) the current trace id for everything the request
 * causes, however deep: the DFO client adds it as X-Request-Id, jobs enqueued on the way keep it in their payload.
 */
export const requestContext = fp(async (app) => {
  app.addHook('onRequest', (request, _reply, done) => { context.run({ requestId: request.id }, done) })
}, { name: 'byoc-hub-request-context', fastify: '5.x' })
