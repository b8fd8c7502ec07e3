const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

/**
 * Replaces ${VAR} and ${VAR:-default} in every string of a parsed YAML tree. A value that is only `${VAR:-}` and
 * resolves to nothing leaves its key out, so "set it from the environment, or let the hub decide" needs no default
 * (the shipped config's secrets: sandbox mode then generates them, live mode names the missing key). Collects every missing variable
 * (with its path) instead of stopping at the first, so one run shows everything to fix.
 */
export function interpolateEnv (tree: unknown, env: NodeJS.ProcessEnv, missing: string[] = [], path = ''): unknown {
  if (typeof tree === 'string') {
    const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/.exec(tree)
    if (whole && whole[2] === '' && !env[whole[1]!]) return undefined
    const replaced = tree.replace(PLACEHOLDER, (_m, name: string, fallback: string | undefined) => {
      const value = env[name]
      if (value !== undefined && value !== '') return value
      if (fallback !== undefined) return fallback
      missing.push(`${path || '/'}: environment variable ${name} is not set`)
      return ''
    })
    // a lone placeholder may stand for a number or boolean ("port: ${PORT:-8080}")
    if (whole && /^-?\d+(\.\d+)?$/.test(replaced)) return Number(replaced)
    if (whole && (replaced === 'true' || replaced === 'false')) return replaced === 'true'
    return replaced
  }
  if (Array.isArray(tree)) return tree.map((v, i) => interpolateEnv(v, env, missing, `${path}/${i}`) ?? '')
  if (tree !== null && typeof tree === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(tree)) {
      const value = interpolateEnv(v, env, missing, `${path}/${k}`)
      if (value !== undefined) out[k] = value
    }
    return out
  }
  return tree
}
