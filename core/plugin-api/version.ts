/**
 * The plugin API's own semver. The major is what a plugin declares as `apiVersion` (a breaking change bumps it and
 * the hub refuses plugins of another major); minors add optional capabilities and host methods, which a plugin that
 * needs them asks for with `apiRange` (e.g. '^1.1.0' for host.remember).
 */
export const PLUGIN_API_SEMVER = '1.5.0'

type Triple = [number, number, number]

function parse (v: string): Triple | undefined {
  const m = /^(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(v.trim())
  if (!m) return undefined
  const n = (s: string | undefined): number => s === undefined || s === 'x' || s === '*' ? 0 : Number(s)
  return [n(m[1]), n(m[2]), n(m[3])]
}

const cmp = (a: Triple, b: Triple): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]

/**
 * Whether `version` satisfies `range`. Deliberately small: `^x.y.z`, `~x.y.z`, `>=x.y.z`, `x.y.z`, `x.y`, `x`
 * (no prerelease tags, no unions) is all a plugin needs to name the minor it requires. Throws on anything else so a
 * typo is a load error, not a silent pass.
 */
export function satisfiesApiRange (version: string, range: string): boolean {
  const v = parse(version)
  const r = range.trim()
  const op = /^(\^|~|>=)?\s*(.*)$/.exec(r)!
  const base = parse(op[2]!)
  if (!v || !base) throw new TypeError(`invalid plugin API range '${range}' (use ^1.1.0, ~1.1.0, >=1.1.0 or 1.1.0)`)
  // how many leading parts are pinned: '1' and '1.x' pin one, '1.1' two
  const segments = op[2]!.split('.')
  const wild = segments.findIndex(p => p === 'x' || p === '*')
  const parts = wild === -1 ? segments.length : wild
  switch (op[1]) {
    case '^': return v[0] === base[0] && cmp(v, base) >= 0
    case '~': return v[0] === base[0] && v[1] === base[1] && cmp(v, base) >= 0
    case '>=': return cmp(v, base) >= 0
    default:
      // a bare 1 or 1.1 means "any 1.x" / "any 1.1.x", like npm
      return v[0] === base[0] && (parts < 2 || v[1] === base[1]) && (parts < 3 || v[2] === base[2])
  }
}

/** Why a plugin cannot run on this API, or undefined when it can. */
export function apiIncompatibility (plugin: { readonly name: string, readonly apiVersion: unknown, readonly apiRange?: string | undefined }, major: number, semver: string): string | undefined {
  if (plugin.apiVersion !== major) return `channel plugin '${plugin.name}' targets plugin API ${String(plugin.apiVersion)}, this hub speaks ${major} (${semver})`
  if (plugin.apiRange !== undefined && !satisfiesApiRange(semver, plugin.apiRange)) return `channel plugin '${plugin.name}' needs plugin API ${plugin.apiRange}, this hub speaks ${semver}`
  return undefined
}
