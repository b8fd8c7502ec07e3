import { Value } from 'typebox/value'
import { apiIncompatibility, isChannelPlugin, PLUGIN_API_SEMVER, PLUGIN_API_VERSION, type ChannelPlugin } from '../plugin-api/index.js'
import type { ChannelConfig } from '../../config/schema.js'
import { allErrors } from '../../config/load.js'
import { secretProblems } from '../../config/secret-rules.js'
import { Errors, hubError } from '../errors.js'
import { resolvePluginSpecifier } from './plugin-resolve.js'

/**
 * Imports and checks a plugin: brand, API version, config against the plugin's own schema (every error, with paths).
 * `live`: the secrets the plugin's schema marks `x-secret` must be neither shipped examples nor short.
 */
export async function loadChannelPlugin (channel: ChannelConfig, index: ChannelAt, baseDir: string, live = false): Promise<{ plugin: ChannelPlugin, config: unknown }> {
  const plugin = await importChannelPlugin(channel, baseDir)
  return { plugin, config: validateChannelConfig(plugin, channel.config, index, live) }
}

/** Imports a plugin and checks its brand and API version (not yet its config). */
export async function importChannelPlugin (channel: ChannelConfig, baseDir: string): Promise<ChannelPlugin> {
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
  readonly code = Errors.CHANNEL_CONFIG_INVALID.code
  constructor (readonly problems: string[]) { super(`Invalid channel configuration:\n${problems.map(p => `  - ${p}`).join('\n')}`) }
}

/**
 * Where a channel's block is in the config, for error paths: its index in the top-level channels (the tenant
 * `default`), or `{ tenant, channel }` indexes into tenants[] and that tenant's channels.
 */
export type ChannelAt = number | { readonly tenant: number, readonly channel: number }
const pointerOf = (at: ChannelAt): string => typeof at === 'number' ? `/channels/${at}` : `/tenants/${at.tenant}/channels/${at.channel}`
const keyOf = (at: ChannelAt): string => typeof at === 'number' ? `channels[${at}]` : `tenants[${at.tenant}].channels[${at.channel}]`

export function validateChannelConfig (plugin: ChannelPlugin, raw: unknown, index: ChannelAt, live = false): unknown {
  const value = Value.Default(plugin.configSchema, Value.Convert(plugin.configSchema, structuredClone(raw ?? {})))
  const problems = [...allErrors(value, plugin.configSchema)]
    .filter(e => !(e.keyword === 'boolean' && e.message === 'schema is false'))
    .map(e => `${pointerOf(index)}/config${e.instancePath}: ${e.message}${e.keyword === 'additionalProperties' ? ': ' + (e.params as { additionalProperties: string[] }).additionalProperties.join(', ') : ''}`)
  if (live) problems.push(...secretProblems(plugin.configSchema, value, `${keyOf(index)}.config`))
  // the plugin's own checks only make sense on a config its schema accepted
  if (problems.length === 0 && plugin.validateConfig) problems.push(...plugin.validateConfig(value).map(p => `${pointerOf(index)}/config${p}`))
  if (problems.length > 0) throw new ChannelConfigInvalidError(problems)
  return Object.freeze(value)
}
