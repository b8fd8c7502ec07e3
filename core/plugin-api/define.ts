import type { TSchema } from 'typebox'
import { PLUGIN_API_VERSION, type ChannelCapabilities, type ChannelPlugin } from './types.js'
import { PLUGIN_API_SEMVER, apiIncompatibility } from './version.js'

export const kChannelPluginBrand = Symbol.for('byoc-hub.channel-plugin')
export const CHANNEL_NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/

/** Validates and brands a channel plugin. Throws on a programmer error (bad name, wrong API version). */
export function defineChannelPlugin<C extends TSchema, TEvent, TMsg> (plugin: ChannelPlugin<C, TEvent, TMsg>): ChannelPlugin<C, TEvent, TMsg> {
  if (!CHANNEL_NAME_PATTERN.test(plugin.name)) throw new TypeError(`channel plugin name '${plugin.name}' must match ${CHANNEL_NAME_PATTERN}`)
  const incompatible = apiIncompatibility(plugin, PLUGIN_API_VERSION, PLUGIN_API_SEMVER)
  if (incompatible) throw new TypeError(incompatible)
  if (typeof plugin.register !== 'function') throw new TypeError(`channel plugin '${plugin.name}' has no register()`)
  const caps = plugin.capabilities as ChannelCapabilities | undefined
  if (!caps || !Array.isArray(caps.richMessages) || ['attachments', 'typingIndicators', 'readReceipts'].some(k => typeof (caps as unknown as Record<string, unknown>)[k] !== 'boolean')) {
    throw new TypeError(`channel plugin '${plugin.name}' must declare capabilities { attachments, typingIndicators, readReceipts, richMessages }`)
  }
  if (caps.maxTextLength !== undefined && !(Number.isInteger(caps.maxTextLength) && caps.maxTextLength > 0)) {
    throw new TypeError(`channel plugin '${plugin.name}': capabilities.maxTextLength must be a positive integer`)
  }
  if (caps.messageStatus !== undefined && typeof caps.messageStatus !== 'boolean') {
    throw new TypeError(`channel plugin '${plugin.name}': capabilities.messageStatus must be a boolean`)
  }
  return Object.freeze(Object.defineProperty({ ...plugin }, kChannelPluginBrand, { value: PLUGIN_API_VERSION, enumerable: false }))
}

export function isChannelPlugin (value: unknown): value is ChannelPlugin {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kChannelPluginBrand] !== undefined &&
    typeof (value as ChannelPlugin).register === 'function'
}

/**
 * Thrown by translators for content the platform cannot carry (undeclared capability). Its code is the plugin contract's,
 * so it lives here and not in core/errors.ts: plugin-api imports nothing from the core (docs/errors.md lists it).
 */
export class ChannelUnsupportedError extends Error {
  readonly code = 'BYOC_ERR_CHANNEL_UNSUPPORTED'
  readonly statusCode = 422
}

/**
 * Errors a plugin raises toward the customer (e.g. a forged identity); statusCode decides the HTTP answer. New plugins
 * use definePluginErrors (one prefix per plugin); this stays for plugins written before API 1.3.
 */
export class ChannelRequestError extends Error {
  constructor (readonly code: string, message: string, readonly statusCode = 400) { super(message) }
}
