import type { TSchema } from 'typebox'
import { isShippedSecret } from './shipped-secrets.js'

/** Secrets the hub's operator generates are at least this long in live mode (256 bits of base64url is 43). */
export const MIN_SECRET_LENGTH = 32

/**
 * Live-mode rules for every string a schema marks `'x-secret': true` (the hub's schema and each plugin's config
 * schema alike, so plugin secrets are checked without the hub knowing their names):
 * - never a value shipped in this repository (public, so anyone could use it);
 * - at least MIN_SECRET_LENGTH characters, unless the schema also says `'x-secret-external': true` (a secret another
 *   party issues, such as CXone's access key secret, whose length is not ours to choose).
 * Each problem names the key as it is written in YAML terms, e.g. `auth.clients[0].clientSecret`.
 */
export function secretProblems (schema: TSchema, value: unknown, path: string): string[] {
  const out = new Set<string>()
  walk(schema as Node, value, path, out)
  return [...out]
}

interface Node {
  'x-secret'?: unknown
  'x-secret-external'?: unknown
  properties?: Record<string, Node>
  items?: Node
  anyOf?: Node[]
  oneOf?: Node[]
  allOf?: Node[]
}

function walk (node: Node | undefined, value: unknown, path: string, out: Set<string>): void {
  if (!node || typeof node !== 'object' || value === undefined || value === null) return
  if (node['x-secret'] === true && typeof value === 'string') {
    if (isShippedSecret(value)) out.add(`${path}: is a value shipped in this repository (public); generate one with \`byoc-hub init\``)
    else if (node['x-secret-external'] !== true && value.length < MIN_SECRET_LENGTH) {
      out.add(`${path}: is ${value.length} characters; live mode needs at least ${MIN_SECRET_LENGTH} (generate one with \`byoc-hub init\`)`)
    }
  }
  // unions: a secret in any branch the value could be counts
  for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) walk(branch, value, path, out)
  if (node.properties && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(node.properties)) {
      walk(child, (value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, out)
    }
  }
  if (node.items && Array.isArray(value)) value.forEach((v, i) => walk(node.items, v, `${path}[${i}]`, out))
}
