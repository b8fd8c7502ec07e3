import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { hubError } from '../errors.js'

// where the hub itself is installed: a first-party plugin the hub depends on resolves from here when the config's
// folder has no node_modules of its own (a global install, `npx byoc-hub`)
const hubDir = dirname(fileURLToPath(import.meta.url))

type Exports = string | null | { [key: string]: Exports } | Exports[]

/** The entry of an `exports` value for `import` in Node, as Node picks it (types skipped, first match wins). */
function exportTarget (value: Exports | undefined): string | undefined {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) {
    for (const v of value) { const hit = exportTarget(v); if (hit) return hit }
    return undefined
  }
  if (!value || typeof value !== 'object') return undefined
  const keys = Object.keys(value)
  // a subpath map ({ ".": …, "./x": … }) rather than conditions
  if (keys.some(k => k.startsWith('.'))) return exportTarget(value['.'])
  for (const condition of ['import', 'node', 'default']) {
    const hit = exportTarget(value[condition])
    if (hit) return hit
  }
  return undefined
}

/** A package folder's main module: package.json `exports["."]`, else `main`, else index.js. */
function packageEntry (dir: string): string {
  const manifest = join(dir, 'package.json')
  let pkg: { exports?: Exports, main?: string, name?: string }
  try {
    pkg = JSON.parse(readFileSync(manifest, 'utf8')) as typeof pkg
  } catch (err) {
    throw hubError('PLUGIN_INVALID', `cannot read ${manifest}: ${(err as Error).message}`, { cause: err })
  }
  const entry = exportTarget(pkg.exports) ?? pkg.main ?? 'index.js'
  const file = resolve(dir, entry)
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw hubError('PLUGIN_INVALID', `${pkg.name ?? dir}: its entry ${entry} does not exist (is the plugin built? npm run build in ${dir})`)
  }
  return file
}

/** node_modules/<name> in `from` or any folder above it, as Node looks for packages. */
function findPackage (name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dirname(dir) === dir) return undefined
  }
}

/**
 * A channel's `plugin:` entry as a module URL. A path (relative to the config file) names a package folder, resolved
 * through its package.json, or a module file; a bare name is an npm package installed beside the config or the hub.
 */
export function resolvePluginSpecifier (spec: string, baseDir: string): string {
  if (spec.startsWith('.') || isAbsolute(spec)) {
    const abs = resolve(baseDir, spec)
    if (existsSync(join(abs, 'package.json'))) return pathToFileURL(packageEntry(abs)).href
    for (const candidate of [abs, `${abs}.js`, join(abs, 'index.js')]) {
      if (existsSync(candidate) && statSync(candidate).isFile()) return pathToFileURL(candidate).href
    }
    throw hubError('PLUGIN_INVALID', `no plugin found at ${abs} (a package folder with a package.json, or a module file)`)
  }
  const dir = findPackage(spec, baseDir) ?? findPackage(spec, hubDir)
  if (!dir) throw hubError('PLUGIN_INVALID', `package ${spec} is not installed (npm install ${spec} beside ${baseDir})`)
  return pathToFileURL(packageEntry(dir)).href
}
