const SECRET_KEYS = /secret|password|token/i

/** A copy of the config with every secret replaced, for printing: any value under a key named like a secret. */
export function redactConfig (value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map(v => redactConfig(v))
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactConfig(v, k)]))
  }
  if (typeof value === 'string' && SECRET_KEYS.test(key) && !/ttl|url|interval/i.test(key)) return '[redacted]'
  return value
}
