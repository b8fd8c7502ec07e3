export * from './types.js'
export * from './cxone-types.js'
export { defineChannelPlugin, isChannelPlugin, kChannelPluginBrand, CHANNEL_NAME_PATTERN, ChannelUnsupportedError, ChannelRequestError } from './define.js'
export { PLUGIN_API_SEMVER, satisfiesApiRange, apiIncompatibility } from './version.js'
export { Type } from 'typebox'
export type { Static, TSchema } from 'typebox'
// so a plugin needs no dependency but this package: validation and the route scope's types
export { Value } from 'typebox/value'
export type { FastifyInstance, FastifyBaseLogger } from 'fastify'
