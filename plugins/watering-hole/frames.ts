import { ClientFrameSchemas, type ClientFrame } from './schemas.js'
import { check, firstError } from './validate.js'

export const MAX_FRAME_BYTES = 16 * 1024

/** Parses and validates one client frame; returns the reason when it is not a frame we accept. */
export function parseClientFrame (data: string): { ok: true, frame: ClientFrame } | { ok: false, reason: string } {
  if (data.length > MAX_FRAME_BYTES) return { ok: false, reason: 'frame too large' }
  let value: unknown
  try { value = JSON.parse(data) } catch { return { ok: false, reason: 'frame is not JSON' } }
  const type = (value as { type?: unknown } | null)?.type
  if (typeof type !== 'string' || !Object.hasOwn(ClientFrameSchemas, type)) return { ok: false, reason: 'unknown frame type' }
  const schema = ClientFrameSchemas[type as keyof typeof ClientFrameSchemas]
  if (!check(schema, value)) return { ok: false, reason: `${type}: ${firstError(schema, value)}` }
  return { ok: true, frame: value as ClientFrame }
}
