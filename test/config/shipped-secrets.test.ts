import t from 'tap'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ROOT } from '../helper.js'
import { SHIPPED_SECRETS } from '../../config/shipped-secrets.js'

/*
 * Every secret-looking example value in what the repository ships (configs, manifests, docs, READMEs, the plugin
 * template) must be in config/shipped-secrets.ts, which live mode refuses: a new doc example cannot become a usable
 * secret. "Secret-looking" = the value of a key named like a secret (…secret, …password, …token, …apiKey).
 */
const SECRET_KEY = /(secret|password|passwd|token|api[_-]?key)$/i

/**
 * `key: value` / `key = value` / `"key": "value"` pairs, with `${VAR:-default}` read as its default.
 * `quotedOnly` (source code): only string literals count, not identifiers or types.
 */
export function exampleSecrets (text: string, quotedOnly = false): string[] {
  const out: string[] = []
  const pair = /["']?([A-Za-z_][\w-]*)["']?[ \t]*[:=][ \t]*(\$\{[^}\n]*\}|"[^"\n]*"|'[^'\n]*'|[^\s,}#|`);]+)/g
  for (const m of text.matchAll(pair)) {
    if (!SECRET_KEY.test(m[1]!)) continue
    if (quotedOnly && !/^["']/.test(m[2]!)) continue
    let value = m[2]!.replace(/^["']|["']$/g, '')
    const env = /^\$\{[A-Z0-9_]+(?::?-([^}]*))?\}$/.exec(value)
    if (env) value = env[1] ?? ''
    if (/^[A-Z][A-Z0-9_]*$/.test(m[2]!)) continue // a constant's name in a code example, not a literal
    if (/^(string|number|boolean|unknown|Buffer)$/.test(m[2]!)) continue // a parameter's type in a code example
    if (value.length < 4 || /^(<.*>|\*+|\[redacted\]|true|false|null|\d+)$/i.test(value) || /^[$[{(]/.test(value)) continue
    out.push(value)
  }
  return out
}

/** Markdown: only what is written as code (fenced blocks and `spans`), not the prose around it. */
const codeOf = (markdown: string): string => [...markdown.matchAll(/```[^\n]*\n([\s\S]*?)```|`([^`\n]+)`/g)].map(m => m[1] ?? m[2]).join('\n')

function files (dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    if (name === 'node_modules' || name === 'grafana') return []
    return statSync(path).isDirectory() ? files(path, keep) : keep(path) ? [path] : []
  })
}

const shipped = [
  ...files(join(ROOT, 'config'), p => /\.(ya?ml|json)$/.test(p)),
  ...files(join(ROOT, 'deploy'), p => /\.ya?ml$/.test(p)),
  ...files(join(ROOT, 'docs'), p => p.endsWith('.md')),
  ...files(join(ROOT, 'plugins'), p => p.endsWith('README.md')),
  join(ROOT, 'README.md'), join(ROOT, 'Dockerfile'),
  // what `byoc-hub create-plugin` copies into every scaffolded plugin
  ...files(join(ROOT, 'templates'), p => /\.(ts|md)$/.test(p))
]

t.test('the extractor finds what a careless doc example would add (so the scan below can fail)', async t => {
  t.same(exampleSecrets('auth: { clients: [ { clientId: prod, clientSecret: "fresh-example-0123" } ] }'), ['fresh-example-0123'])
  t.same(exampleSecrets('      identitySecret: ${WH_IDENTITY_SECRET:-docs-default-secret}'), ['docs-default-secret'])
  t.same(exampleSecrets('  BYOC_CLIENT_SECRET: put-yours-here'), ['put-yours-here'])
  t.same(exampleSecrets("const SECRET = 'template-secret-42'", true), ['template-secret-42'])
  t.same(exampleSecrets('clientSecret: "${BYOC_CLIENT_SECRET}"  tokenTtl: 1h  signingSecret: SECRET', true), [], 'placeholders, non-secret keys and code are not examples')
  t.same(exampleSecrets('config: ({ platformUrl }) => ({ platformUrl, signingSecret: SECRET })'), [], 'a constant in a code example')
  t.same(exampleSecrets('const send = (url: string, secret: string) => sign(forge ? WRONG : SECRET)'), [], 'a parameter\'s type in a code example')
  t.same(exampleSecrets('sign({ secret: hunter22-example })'), ['hunter22-example'], 'a value before a closing parenthesis')
  t.same(exampleSecrets(codeOf('a fresh token: retried\n```yaml\nbearerToken: docs-token-123\n```\n')), ['docs-token-123'], 'markdown: code, not prose')
})

t.test('every secret example the repository ships is refused by live mode', async t => {
  t.ok(shipped.length > 10, `scanned ${shipped.length} files`)
  const missing: string[] = []
  let found = 0
  for (const path of shipped) {
    const text = readFileSync(path, 'utf8')
    const values = path.endsWith('.md') ? exampleSecrets(codeOf(text)) : path.endsWith('.ts') ? exampleSecrets(text, true) : exampleSecrets(text)
    for (const value of values) {
      found++
      if (!SHIPPED_SECRETS.has(value)) missing.push(`${relative(ROOT, path)}: '${value}'`)
    }
  }
  t.ok(found > 0, `found ${found} example secrets`)
  t.same(missing, [], 'add these to config/shipped-secrets.ts (or replace them with ${VAR} placeholders)')
})

t.test('every schema default of an x-secret key is in the list', async t => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'config/schema.json'), 'utf8'))
  const defaults: string[] = []
  let secretKeys = 0
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return
    const n = node as Record<string, unknown>
    if (n['x-secret'] === true) {
      secretKeys++
      if (typeof n.default === 'string') defaults.push(n.default)
    }
    for (const v of Object.values(n)) walk(v)
  }
  walk(schema)
  // the walk reached every secret key (none has a default today: sandbox mode generates what is left out)
  t.equal(secretKeys, (JSON.stringify(schema).match(/"x-secret":true/g) ?? []).length, 'schema scanned')
  t.ok(secretKeys > 0, 'the schema marks its secrets')
  t.same(defaults.filter(d => !SHIPPED_SECRETS.has(d)), [])
})
