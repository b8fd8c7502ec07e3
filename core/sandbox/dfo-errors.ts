import { randomUUID } from 'node:crypto'
import type { FastifyReply } from 'fastify'
import type { TSchema, Static } from 'typebox'
import { Value } from 'typebox/value'

/** DFO's ApiErrorCollection, which clients read as errors[0].message and errors[0].parameters.errorCode. */
export interface DfoErrorItem { field?: string, message: string, parameters: { errorCode: string } }

export function sendDfoError (reply: FastifyReply, status: number, items: DfoErrorItem[]): FastifyReply {
  return reply.code(status).send({ errors: items, uid: randomUUID() })
}

export function dfoError (reply: FastifyReply, status: number, errorCode: string, message: string, field?: string): FastifyReply {
  return sendDfoError(reply, status, [{ ...(field ? { field } : {}), message, parameters: { errorCode } }])
}

/** '/thread/idOnExternalPlatform' -> 'thread.idOnExternalPlatform', as DFO names fields */
const toField = (path: string): string => path.replace(/^\//, '').replace(/\//g, '.')

/** Validates a body against a TypeBox schema and lists every problem in DFO's envelope items. */
export function checkBody<S extends TSchema> (schema: S, body: unknown): { ok: true, value: Static<S> } | { ok: false, items: DfoErrorItem[] } {
  if (Value.Check(schema, body)) return { ok: true, value: body as Static<S> }
  const items: DfoErrorItem[] = []
  for (const e of Value.Errors(schema, body)) {
    const missing = (e.params as { requiredProperties?: string[] }).requiredProperties
    if (e.keyword === 'required' && missing) {
      for (const p of missing) items.push({ field: toField(`${e.instancePath}/${p}`), message: `${toField(`${e.instancePath}/${p}`)} is required`, parameters: { errorCode: 'fieldIsRequired' } })
    } else {
      const field = toField(e.instancePath)
      items.push({ ...(field ? { field } : {}), message: `${field || 'body'} ${e.message}`, parameters: { errorCode: 'invalidValue' } })
    }
  }
  return { ok: false, items }
}
