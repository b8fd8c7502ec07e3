import { pathToFileURL, fileURLToPath } from 'node:url'
import { createRequire, register } from 'node:module'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { existsSync, statSync } from 'node:fs'
import { Value } from 'typebox/value'
import { apiIncompatibility, isChannelPlugin, PLUGIN_API_SEMVER, PLUGIN_API_VERSION, type ChannelPlugin } from '../plugin-api/index.js'
import type { ChannelConfig } from '../../config/schema.js'
import { allErrors } from '../../config/load.js'
import { secretProblems } from '../../config/secret-rules.js'
import { hubError } from '../errors.js'

const here = fileURLToPath(import.meta.url)
const runningFromDist = here.includes(`${sep}dist${sep}`)
const projectRoot = resolve(dirname(here), runningFromDist ? '../../..' : '../..')

/**
 * Resolves a channel's `plugin:` entry: a path (relative to the config file) or an npm package name. In-repo
 * plugins are TypeScript sources: from the build they resolve to their compiled twin under dist/.
 */
export function resolvePluginSpecifier (spec: string, baseDir: string): string {
  if (spec.startsWith('.') || isAbsolute(spec)) {
    const abs = resolve(baseDir, spec)
    const rel = relative(projectRoot, abs)
    const inRepo = !rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith('dist')
    const twins = !inRepo ? [] : runningFromDist
      ? [resolve(projectRoot, 'dist', rel, 'index.js'), resolve(projectRoot, 'dist', `${rel}.js`)]
      : [resolve(abs, 'index.ts'), `${abs}.ts`]
    for (const candidate of [...twins, abs, `${abs}.js`, resolve(abs, 'index.js')]) {
      if (existsSync(candidate) && statSync(candidate).isFile()) return pathToFileURL(candidate).href
    }
    throw hubError('PLUGIN_INVALID', `no plugin found at ${abs}`)
  }
  return pathToFileURL(createRequire(resolve(baseDir, 'package.json')).resolve(spec)).href
}

let sharing = false
/**
 * From the build, `@byoc-hub/plugin-api` (the workspace link to the TypeScript sources) must resolve to the hub's own
 * compiled copy, for first-party and npm-installed plugins alike: one module instance, the version the hub checks.
 */
function shareCompiledPluginApi (): void {
  if (sharing) return
  sharing = true
  const api = resolve(dirname(here), '../plugin-api')
  register(new URL('./plugin-api-hooks.js', import.meta.url), {
    data: { targets: { '@byoc-hub/plugin-api': pathToFileURL(resolve(api, 'index.js')).href, '@byoc-hub/plugin-api/testing': pathToFileURL(resolve(api, 'testing/index.js')).href } }
  })
}

/**
 * Imports and checks a plugin: brand, API version, config against the plugin's own schema (every error, with paths).
 * `live`: the secrets the plugin's schema marks `x-secret` must be neither shipped examples nor short.
 */
export async function loadChannelPlugin (channel: ChannelConfig, index: number, baseDir: string, live = false): Promise<{ plugin: ChannelPlugin, config: unknown }> {
  const plugin = await importChannelPlugin(channel, baseDir)
  return { plugin, config: validateChannelConfig(plugin, channel.config, index, live) }
}

/** Imports a plugin and checks its brand and API version (not yet its config). */
export async function importChannelPlugin (channel: ChannelConfig, baseDir: string): Promise<ChannelPlugin> {
  if (runningFromDist) shareCompiledPluginApi()
  const href = resolvePluginSpecifier(channel.plugin, baseDir)
  let mod: { default?: unknown }
  try {
    mod = await import(href) as { default?: unknown }
  } catch (err) {
    throw hubError('PLUGIN_INVALID', `channel '${channel.id}': cannot import ${channel.plugin}: ${(err as Error).message}`, { cause: err })
  }
  const plugin = mod.default
  if (!isChannelPlugin(plugin)) throw hubError('PLUGIN_INVALID', `channel '${channel.id}': ${channel.plugin} does not export a plugin made with defineChannelPlugin()`)
  let incompatible: string | undefined
  try {
    incompatible = apiIncompatibility(plugin, PLUGIN_API_VERSION, PLUGIN_API_SEMVER)
  } catch (err) { incompatible = (err as Error).message }
  if (incompatible) throw hubError('PLUGIN_INVALID', `channel '${channel.id}': ${incompatible}`)
  return plugin
}

export class ChannelConfigInvalidError extends Error {
  readonly code = 'BYOC_ERR_CHANNEL_CONFIG_INVALID'
  constructor (readonly problems: string[]) { super(`Invalid channel configuration:\n${problems.map(p => `  - ${p}`).join('\n')}`) }
}

export function validateChannelConfig (plugin: ChannelPlugin, raw: unknown, index: number, live = false): unknown {
  const value = Value.Default(plugin.configSchema, Value.Convert(plugin.configSchema, structuredClone(raw ?? {})))
  const problems = [...allErrors(value, plugin.configSchema)]
    .filter(e => !(e.keyword === 'boolean' && e.message === 'schema is false'))
    .map(e => `/channels/${index}/config${e.instancePath}: ${e.message}${e.keyword === 'additionalProperties' ? ': ' + (e.params as { additionalProperties: string[] }).additionalProperties.join(', ') : ''}`)
  if (live) problems.push(...secretProblems(plugin.configSchema, value, `channels[${index}].config`))
  if (problems.length > 0) throw new ChannelConfigInvalidError(problems)
  return Object.freeze(value)
}
