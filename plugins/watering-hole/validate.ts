// The one import from outside the plugin API: frames arrive on a socket, not through a Fastify route, so
// there is no route schema to validate them. TODO(plugin-api): use a re-exported Value once core offers it.
import { Value } from 'typebox/value'
import type { Static, TSchema } from '@byoc-hub/plugin-api'

export function check<S extends TSchema> (schema: S, value: unknown): value is Static<S> {
  return Value.Check(schema, value)
}

export function firstError (schema: TSchema, value: unknown): string {
  // eslint-disable-next-line no-unreachable-loop -- the first error only
  for (const e of Value.Errors(schema, value)) return `${e.instancePath || '/'} ${e.message}`
  return 'invalid'
}
