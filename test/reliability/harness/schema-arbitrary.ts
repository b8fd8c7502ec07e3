import fc from 'fast-check'

type Schema = Record<string, any> // intentional any: OpenAPI/JSON Schema documents are open-ended

/** Values that satisfy a JSON schema (the subset our routes use), so the fuzzer reaches past validation. */
export function validOf (s: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!s || depth > 4) return fc.constant(null)
  if (s.const !== undefined) return fc.constant(s.const)
  if (s.enum) return fc.constantFrom(...s.enum)
  const alts = s.anyOf ?? s.oneOf
  if (alts) return fc.oneof(...alts.map((a: Schema) => validOf(a, depth + 1)))
  const type = Array.isArray(s.type) ? s.type[0] : s.type
  switch (type) {
    case 'string': return s.pattern ? fc.stringMatching(new RegExp(s.pattern)).filter(x => x.length <= (s.maxLength ?? 1e6) && x.length >= (s.minLength ?? 0)) : fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 40) })
    case 'integer': return fc.integer({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6 })
    case 'number': return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true })
    case 'boolean': return fc.boolean()
    case 'null': return fc.constant(null)
    case 'array': return fc.array(validOf(s.items, depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) })
    case 'object': {
      const props: Record<string, fc.Arbitrary<unknown>> = {}
      for (const [k, v] of Object.entries(s.properties ?? {})) props[k] = validOf(v as Schema, depth + 1)
      return fc.record(props, { requiredKeys: (s.required ?? []).filter((k: string) => k in props) })
    }
    default: return fc.jsonValue({ maxDepth: 2 })
  }
}

/** Hostile values: wrong types, prototype keys, huge strings and arrays, deep nesting, odd numbers. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, 0, -1, 1e308, -0, '', [], {}),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.integer({ min: 1, max: 3 }).map(n => 'x'.repeat(n * 300_000)),
  fc.constant(Array.from({ length: 100_000 }, () => 1)),
  fc.integer({ min: 100, max: 10_000 }).map(n => `__DEEP_${n}__`),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true}}')),
  fc.constant({ constructor: { prototype: { polluted: true } } }),
  fc.string().map(s => s + '\u0000\ud800')
)

/** A body near the schema: valid, or valid with one field wrong, missing or extra, or something else entirely. */
export function bodyFor (s: Schema | undefined): fc.Arbitrary<unknown> {
  const valid = validOf(s)
  const keys = Object.keys(s?.properties ?? {})
  const mutated = keys.length === 0
    ? hostile
    : fc.tuple(valid, fc.constantFrom(...keys), hostile, fc.constantFrom('replace', 'drop', 'extra')).map(([v, k, h, how]) => {
      const o = { ...(v as Record<string, unknown>) }
      if (how === 'replace') o[k] = h
      else if (how === 'drop') delete o[k]
      else o[`extra_${k}`] = h
      return o
    })
  return fc.oneof({ arbitrary: valid, weight: 1 }, { arbitrary: mutated, weight: 4 }, { arbitrary: hostile, weight: 1 })
}

/** A path or query parameter value: a plausible id or something that is not. */
export const paramValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('chat_recorder', 'chat_watering-hole', 'recorder', 'x'),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('..', '%2e%2e', '%00', 'a'.repeat(400), '<script>', "' OR 1=1 --", '${jndi:ldap://x}')
)

/** JSON text for a generated value; `__DEEP_n__` markers become n-deep arrays (too deep for JSON.stringify). */
export function serialize (v: unknown): string {
  return (JSON.stringify(v) ?? '').replace(/"__DEEP_(\d+)__"/g, (_m, n: string) => '['.repeat(Number(n)) + ']'.repeat(Number(n)))
}
