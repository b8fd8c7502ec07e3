import { idProblem } from '../plugin-api/id-rule.js'
import { hubError } from '../errors.js'

export type IdKind = 'customer' | 'thread' | 'message'

/**
 * Refuses an id that breaks the rule (core/plugin-api/id-rule.ts) before anything is stored under it: a stored
 * id the store cannot find again (a lone surrogate) used to leave the customer's current thread unusable.
 * The id itself is not echoed: it may hold anything, control characters included.
 */
export function assertValidId (kind: IdKind, value: unknown): void {
  const problem = idProblem(value)
  if (problem !== undefined) throw hubError('ID_INVALID', `${kind} id ${problem}`)
}

/**
 * The ids in a message a plugin translated for CXone. Only strings are judged here: a missing or mistyped id is
 * a malformed translation, which the message schema reports as such.
 */
export function assertValidInboundIds (body: unknown): void {
  const b = body as { idOnExternalPlatform?: unknown, thread?: { idOnExternalPlatform?: unknown }, authorEndUserIdentity?: { idOnExternalPlatform?: unknown } } | null
  const ids: Array<[IdKind, unknown]> = [['customer', b?.authorEndUserIdentity?.idOnExternalPlatform], ['thread', b?.thread?.idOnExternalPlatform], ['message', b?.idOnExternalPlatform]]
  for (const [kind, id] of ids) if (typeof id === 'string') assertValidId(kind, id)
}
