import type { TSchema } from 'typebox'
import { PLUGIN_API_VERSION, type ChannelPlugin } from './types.js'

export const kChannelPluginBrand = Symbol.for('byoc-hub.channel-plugin')
export const CHANNEL_NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/

/** Validates and brands a channel plugin. Throws on a programmer error (bad name, wrong API version). */
export function defineChannelPlugin<C extends TSchema, TEvent, TMsg> (plugin: ChannelPlugin<C, TEvent, TMsg>): ChannelPlugin<C, TEvent, TMsg> {
  if (!CHANNEL_NAME_PATTERN.test(plugin.name)) throw new TypeError(`channel plugin name '${plugin.name}' must match ${CHANNEL_NAME_PATTERN}`)
  if (plugin.apiVersion !== PLUGIN_API_VERSION) throw new TypeError(`channel plugin '${plugin.name}' targets plugin API ${String(plugin.apiVersion)}, this hub speaks ${PLUGIN_API_VERSION}`)
  if (typeof plugin.register !== 'function') throw new TypeError(`channel plugin '${plugin.name}' has no register()`)
  return Object.freeze(Object.defineProperty({ ...plugin }, kChannelPluginBrand, { value: PLUGIN_API_VERSION, enumerable: false }))
}

export function isChannelPlugin (value: unknown): value is ChannelPlugin {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kChannelPluginBrand] !== undefined &&
    typeof (value as ChannelPlugin).register === 'function'
}

/** Thrown by translators for content the platform cannot carry (undeclared capability). */
export class ChannelUnsupportedError extends Error {
  readonly code = 'BYOC_ERR_CHANNEL_UNSUPPORTED'
  readonly statusCode = 422
}

/** Errors a plugin raises toward the customer (e.g. a forged identity); statusCode decides the HTTP answer. */
export class ChannelRequestError extends Error {
  constructor (readonly code: string, message: string, readonly statusCode = 400) { super(message) }
}
