import { pathToFileURL, fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { existsSync, statSync } from 'node:fs'
import { Value } from 'typebox/value'
import { isChannelPlugin, PLUGIN_API_VERSION, type ChannelPlugin } from '../plugin-api/index.js'
import type { ChannelConfig } from '../../config/schema.js'
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

/** Imports and checks a plugin: brand, API version, config against the plugin's own schema (every error, with paths). */
export async function loadChannelPlugin (channel: ChannelConfig, index: number, baseDir: string): Promise<{ plugin: ChannelPlugin, config: unknown }> {
  const href = resolvePluginSpecifier(channel.plugin, baseDir)
  let mod: { default?: unknown }
  try {
    mod = await import(href) as { default?: unknown }
  } catch (err) {
    throw hubError('PLUGIN_INVALID', `channel '${channel.id}': cannot import ${channel.plugin}: ${(err as Error).message}`, { cause: err })
  }
  const plugin = mod.default
  if (!isChannelPlugin(plugin)) throw hubError('PLUGIN_INVALID', `channel '${channel.id}': ${channel.plugin} does not export a plugin made with defineChannelPlugin()`)
  if (plugin.apiVersion !== PLUGIN_API_VERSION) throw hubError('PLUGIN_INVALID', `channel '${channel.id}': plugin API ${plugin.apiVersion}, hub speaks ${PLUGIN_API_VERSION}`)
  return { plugin, config: validateChannelConfig(plugin, channel.config, index) }
}

export class ChannelConfigInvalidError extends Error {
  readonly code = 'BYOC_ERR_CHANNEL_CONFIG_INVALID'
  constructor (readonly problems: string[]) { super(`Invalid channel configuration:\n${problems.map(p => `  - ${p}`).join('\n')}`) }
}

export function validateChannelConfig (plugin: ChannelPlugin, raw: unknown, index: number): unknown {
  const value = Value.Default(plugin.configSchema, Value.Convert(plugin.configSchema, structuredClone(raw ?? {})))
  const problems = [...Value.Errors(plugin.configSchema, value)]
    .filter(e => !(e.keyword === 'boolean' && e.message === 'schema is false'))
    .map(e => `/channels/${index}/config${e.instancePath}: ${e.message}${e.keyword === 'additionalProperties' ? ': ' + (e.params as { additionalProperties: string[] }).additionalProperties.join(', ') : ''}`)
  if (problems.length > 0) throw new ChannelConfigInvalidError(problems)
  return Object.freeze(value)
}
