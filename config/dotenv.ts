import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * KEY=VALUE lines (blank lines and # comments skipped, an optional `export `, values optionally in single or double
 * quotes; \n in double quotes is a newline). Deliberately small: no interpolation, no multi-line values.
 */
export function parseDotEnv (text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line)
    if (!m) continue
    let value = m[2]!
    const quoted = /^(["'])(.*)\1$/.exec(value)
    if (quoted) value = quoted[1] === '"' ? quoted[2]!.replace(/\\n/g, '\n') : quoted[2]!
    else value = value.replace(/\s+#.*$/, '')
    out[m[1]!] = value
  }
  return out
}

/**
 * Loads the `.env` beside the config file, if there is one, into `env`. The real environment wins: a variable
 * already set is left alone, so a container's or CI's env overrides the file. Returns the path it loaded.
 */
export function loadDotEnvBeside (configPath: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = join(dirname(configPath), '.env')
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  for (const [key, value] of Object.entries(parseDotEnv(text))) if (env[key] === undefined) env[key] = value
  return path
}
