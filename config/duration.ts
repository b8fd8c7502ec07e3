import { Type, type TSchemaOptions } from 'typebox'

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/

/** '2m' -> 120000. Numbers are taken as milliseconds. Returns undefined for anything else. */
export function parseDuration (value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value
  if (typeof value !== 'string') return undefined
  const m = DURATION.exec(value.trim())
  if (!m) return undefined
  return Math.round(Number(m[1]) * UNITS[m[2]!]!)
}

/**
 * A duration as the user writes it ('2m', '20s', '500ms', '1h', or a number of milliseconds), decoded at load into
 * milliseconds, so no call site parses one or repeats a default. Encoding gives the milliseconds back as a number,
 * which the schema accepts too: a loaded config validates again unchanged (createHub takes one). Decoding runs on
 * checked values only (config/load.ts), hence the non-null assertion.
 */
const durationMs = (options: TSchemaOptions) => Type.Codec(Type.Union([
  Type.String({ pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d)$' }),
  Type.Number({ minimum: 0 })
], options))
  .Decode((written) => parseDuration(written)!)
  .Encode((ms: number) => ms)

/** A duration with its default; loaded as milliseconds. */
export const Duration = (defaultValue: string, description?: string) =>
  durationMs({ default: defaultValue, description: `${description ?? 'duration'} (e.g. 500ms, 20s, 2m, 1h; a number is milliseconds)` })

/** A duration with no default (an override that falls through when unset); loaded as milliseconds. */
export const OptionalDuration = (description?: string) => Type.Optional(durationMs(description !== undefined ? { description } : {}))
