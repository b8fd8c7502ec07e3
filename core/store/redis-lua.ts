/**
 * Lua scripts of the Redis store. Each multi-step operation runs as one script, so it is atomic across every
 * hub instance sharing the Redis. Scripts get the key prefix `{keyPrefix}` as KEYS[1], their one declared
 * key, and build every other key name from it (the layout is documented in redis.ts): on Redis Cluster the hash
 * tag routes the call to the deployment's slot, where all those keys live. Lua numbers are doubles: timestamps
 * in ms and job ids stay exact far below 2^53.
 */

import { CONVERSATIONS_LUA } from './redis-lua-conversations.js'
import { INBOUND_LUA } from './redis-lua-inbound.js'
import { KEYS_DOCS_LUA } from './redis-lua-keys-docs.js'
import { OUTBOX_LUA } from './redis-lua-outbox.js'
import { TIMERS_LUA } from './redis-lua-timers.js'
import { PRIVACY_LUA } from './redis-lua-privacy.js'

/** Every script of the store, by name: the driver defines each as a command `byoc_<name>` (redis-keyspace.ts). */
export const LUA = { ...CONVERSATIONS_LUA, ...INBOUND_LUA, ...OUTBOX_LUA, ...TIMERS_LUA, ...KEYS_DOCS_LUA, ...PRIVACY_LUA } as const

export type LuaName = keyof typeof LUA
