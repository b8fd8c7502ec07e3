import { Type } from 'typebox'

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

/** A duration in YAML: '2m', '20s', '500ms', '1h' or a number of milliseconds. */
export const Duration = (defaultValue: string, description?: string) => Type.Union([
  Type.String({ pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d)$' }),
  Type.Number({ minimum: 0 })
], { default: defaultValue, description: `${description ?? 'duration'} (e.g. 500ms, 20s, 2m, 1h; a number is milliseconds)` })
